using Cargamos.Modular.Application.Common.Errors;

namespace Cargamos.Modular.Application.Spreadsheets.ReadModels;

internal static class LotStatuses
{
    public const string Received = "RECEIVED";
    public const string Processing = "PROCESSING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}

internal static class RowOutcomes
{
    public const string Created = "CREATED";
    public const string Rejected = "REJECTED";
}

/// <summary>
/// A spreadsheet upload and its progress. <see cref="ProcessedRows"/> = <see cref="Created"/> + <see cref="Rejected"/>;
/// <see cref="Errors"/> says why a FAILED lot stopped.
/// </summary>
internal sealed record IntegrationLotView(
    long LotId,
    string ShipperId,
    string Status,
    string FileName,
    SpreadsheetFormat Format,
    int TotalRows,
    int ProcessedRows,
    int Created,
    int Rejected,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<ErrorDetail>? Errors);

/// <summary>What became of one row: CREATED with its trackingId and shipmentId, or REJECTED with its errors.</summary>
internal sealed record LotRowResult(int Row, string Outcome, string? TrackingId, Guid? ShipmentId, IReadOnlyList<ErrorDetail> Errors);
