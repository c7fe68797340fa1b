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
internal sealed class CarrierShipments(IShipmentFinder finder, IShipmentStore store, ICaller caller, TimeProvider clock, CarrierServiceIds found)
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
    /// <remarks>
    /// A carrier reports one service several times (assigned, picked, on route, delivered): the service id found for it
    /// is remembered (<see cref="CarrierServiceIds"/>), and the next report checks that it still names that shipment in the
    /// round trip that reads the shipment for the decision, instead of looking it up first. When it no longer does (another
    /// shipment of the carrier took the same trackingId, the shipment went to another carrier) it is looked up again.
    /// </remarks>
    public async Task<ShipmentVersion> Decide(
        string carrierId, string serviceId, Func<Shipment, Actor, DateTimeOffset, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        IReadOnlyList<IShipmentEvent> ByCarrier(Shipment s) => decide(s, caller.Actor, clock.GetUtcNow());
        var id = WithoutCarrier(carrierId, serviceId);
        if (found.Get(carrierId, id) is { } known)
        {
            if (await store.DecideIfStillService(known, carrierId, id, ByCarrier, ct) is { } decided)
            {
                return decided;
            }

            found.Forget(carrierId, id);
        }

        var shipment = await Resolve(carrierId, serviceId, ct);
        var version = await store.Decide(shipment.Id, null, ByCarrier, ct);
        found.Remember(carrierId, id, shipment.Id);
        return version;
    }
}

/// <summary>
/// The shipment each carrier's service id was last found to name, in memory, for at most <see cref="Capacity"/> service
/// ids (then forgotten all at once and learned again). Only a hint: every use is checked against the database in the
/// same round trip as the read it saves (<see cref="IShipmentStore.DecideIfStillService"/>). A singleton.
/// </summary>
internal sealed class CarrierServiceIds
{
    public const int Capacity = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string CarrierId, string ServiceId), Guid> ids = new();

    public Guid? Get(string carrierId, string serviceId) => ids.TryGetValue((carrierId, serviceId), out var id) ? id : null;

    public void Remember(string carrierId, string serviceId, Guid shipmentId)
    {
        if (ids.Count >= Capacity)
        {
            ids.Clear();
        }

        ids[(carrierId, serviceId)] = shipmentId;
    }

    public void Forget(string carrierId, string serviceId) => ids.TryRemove((carrierId, serviceId), out _);
}
