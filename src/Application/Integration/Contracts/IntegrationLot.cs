using Cargamos.Modular.Application.Common.Errors;

namespace Cargamos.Modular.Application.Integration.Contracts;

public static class LotSources
{
    public const string Api = "API";
    public const string Vtex = "VTEX";
    public const string File = "FILE";
}

public static class LotStatuses
{
    public const string Received = "RECEIVED";
    public const string Processing = "PROCESSING";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}

public static class RowOutcomes
{
    public const string Created = "CREATED";
    public const string Rejected = "REJECTED";
}

/// <summary>
/// A batch of integrated orders with a sequential id, whatever its source: one API or VTEX order is a lot of one (created
/// COMPLETED with its shipment); a spreadsheet upload (FILE) is one lot, processed after the upload.
/// <see cref="ProcessedRows"/> = <see cref="Created"/> + <see cref="Rejected"/>; <see cref="Errors"/> says why a FAILED lot
/// stopped. <see cref="FileName"/> and <see cref="Format"/> are a FILE lot's; <see cref="ShipperLotId"/> is the shipper's
/// own batch name (an API order's <c>lotId</c>).
/// </summary>
public sealed record IntegrationLot(
    long LotId,
    string ShipperId,
    string Source,
    string Status,
    string? FileName,
    SpreadsheetFormat? Format,
    string? ShipperLotId,
    int TotalRows,
    int ProcessedRows,
    int Created,
    int Rejected,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<ErrorDetail>? Errors);

/// <summary>What became of one row: CREATED with its trackingId and shipmentId, or REJECTED with its errors.</summary>
public sealed record LotRowResult(int Row, string Outcome, string? TrackingId, Guid? ShipmentId, IReadOnlyList<ErrorDetail> Errors);

/// <summary>The format of a spreadsheet lot's file.</summary>
public enum SpreadsheetFormat
{
    Csv,
    Xlsx,
}
