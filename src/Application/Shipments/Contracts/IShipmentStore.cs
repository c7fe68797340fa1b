using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Shipments.Contracts;

public sealed record ShipmentVersion(Guid ShipmentId, long Version);

/// <summary>One recorded event of a shipment's stream, as auditors see it.</summary>
public sealed record RecordedShipmentEvent(
    long Sequence,
    long Version,
    string EventType,
    DateTimeOffset Timestamp,
    string? ProcessId,
    IShipmentEvent Data);

/// <summary>The shipment event streams. Appends are atomic and optimistic: a stale version is a conflict.</summary>
public interface IShipmentStore
{
    /// <summary>
    /// Loads the shipment, runs <paramref name="decide"/> on it and appends what it returns, all or nothing.
    /// <paramref name="expectedVersion"/>, when given, must be the current version (else a conflict).
    /// </summary>
    Task<ShipmentVersion> Decide(
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct);

    /// <summary>
    /// As <see cref="Decide"/> (no expected version), on the shipment a carrier's service id was found to be before, if it
    /// still is: <paramref name="serviceId"/> still names exactly <paramref name="shipmentId"/> among
    /// <paramref name="carrierId"/>'s shipments (as <see cref="IShipmentFinder.FindByAnyId"/> would find it), checked in the
    /// same round trip as the read for the decision. Null, with nothing decided or written, when it no longer does.
    /// </summary>
    Task<ShipmentVersion?> DecideIfStillService(
        Guid shipmentId, string carrierId, string serviceId, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct);

    Task<IReadOnlyList<RecordedShipmentEvent>> GetEvents(Guid shipmentId, CancellationToken ct);

    /// <summary>The aggregate as it was at a version or at a moment (both null: now).</summary>
    Task<Shipment?> GetState(Guid shipmentId, long? version, DateTimeOffset? at, CancellationToken ct);
}
