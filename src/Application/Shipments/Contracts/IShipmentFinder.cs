using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Shipments.Contracts;

/// <summary>Finds shipments in the tracking read model.</summary>
public interface IShipmentFinder
{
    /// <summary>Every shipment whose shipmentId or trackingId is <paramref name="id"/>.</summary>
    Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct);

    /// <summary>
    /// <see cref="FindByAnyId"/> for many ids at once: every shipment whose shipmentId or trackingId is one of
    /// <paramref name="ids"/>, in no particular order. The default asks one id at a time.
    /// </summary>
    async Task<IReadOnlyList<ShipmentTracking>> FindByAnyIds(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var found = new List<ShipmentTracking>();
        foreach (var id in ids)
        {
            found.AddRange(await FindByAnyId(id, ct));
        }

        return found;
    }

    /// <summary>
    /// Every shipment whose trackingId is <paramref name="trackingId"/> (one per shipper at most), read for the tracking
    /// answer only: without the order and the price (<see cref="ShipmentTracking.Order"/> and <see cref="ShipmentTracking.Price"/> null).
    /// </summary>
    Task<IReadOnlyList<ShipmentTracking>> FindTrackingByTrackingId(string trackingId, CancellationToken ct);

    /// <summary>The shipper's shipment with that trackingId (trackingIds are unique per shipper).</summary>
    Task<ShipmentTracking?> FindByTrackingId(string shipperId, string trackingId, CancellationToken ct);

    /// <summary>Newest first (shipmentIds are time-ordered UUIDv7), up to <c>filter.Limit</c>, after the cursor id.</summary>
    Task<IReadOnlyList<ShipmentTracking>> List(ShipmentFilter filter, CancellationToken ct);
}

/// <summary>Which shipments <see cref="IShipmentFinder.List"/> returns: all filters optional; <see cref="After"/> is the keyset cursor.</summary>
public sealed record ShipmentFilter(
    string? ShipperId, ShipmentStatus? Status, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? LotId, Guid? After, int Limit);
