namespace Cargamos.Modular.Application.Integration.ReadModels;

internal static class LotSources
{
    public const string Api = "API";
    public const string File = "FILE";
}

/// <summary>
/// A batch of integrated orders with a sequential id: one API call is a lot of one; a spreadsheet upload is one lot.
/// <see cref="ShipperLotId"/> is the shipper's own batch name (the order's <c>lotId</c>).
/// </summary>
public sealed record IntegrationLot(
    long Id,
    string ShipperId,
    string Source,
    string? ShipperLotId,
    string Status,
    int TotalRows,
    int Created,
    int Rejected,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
