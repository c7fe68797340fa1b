using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Application.Common.Ports;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// Resolves a VTEX serviceId (our trackingId, or the shipmentId) among the shipments assigned to one carrier. Any
/// other carrier's service is answered as not found: a carrier cannot learn what it does not carry.
/// </summary>
internal sealed class CarrierShipments(IShipmentFinder finder, IShipmentStore store, ICaller caller, TimeProvider clock)
{
    public async Task<ShipmentTracking> Resolve(string carrierId, string serviceId, CancellationToken ct)
    {
        var mine = (await finder.FindByAnyId(WithoutCarrier(carrierId, serviceId), ct)).Where(s => s.CarrierId == carrierId).ToList();
        return mine.Count switch
        {
            1 => mine[0],
            0 => throw AppError.NotFound($"service for carrier '{carrierId}'", serviceId, "serviceId"),
            _ => throw AppError.Conflict("AMBIGUOUS_ID", "The identifier matches more than one service.",
                $"The serviceId '{serviceId}' matches {mine.Count} services of carrier '{carrierId}'; use the id (shipmentId) instead.", "serviceId"),
        };
    }

    /// <summary>
    /// The VTEX view shows a service's id as <c>{carrierId}&amp;{trackingId}</c>, and the current protocol sends it back
    /// so on every hook route: the carrier's own prefix is dropped; any other id is used as it is.
    /// </summary>
    public static string WithoutCarrier(string carrierId, string serviceId) =>
        serviceId.StartsWith(carrierId + "&", StringComparison.Ordinal) ? serviceId[(carrierId.Length + 1)..] : serviceId;

    /// <summary>
    /// A carrier's hook on one of its services: resolves it, runs <paramref name="decide"/> on the shipment with the
    /// calling carrier and the current time, and appends what it returns (no expected version: VTEX sends none).
    /// </summary>
    public async Task<ShipmentVersion> Decide(
        string carrierId, string serviceId, Func<Shipment, Actor, DateTimeOffset, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        var shipment = await Resolve(carrierId, serviceId, ct);
        return await store.Decide(shipment.Id, null, s => decide(s, caller.Actor, clock.GetUtcNow()), ct);
    }
}
