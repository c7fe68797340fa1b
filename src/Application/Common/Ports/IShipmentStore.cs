using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Common.Ports;

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
    /// The one way shipments come to exist (API, VTEX and spreadsheet rows alike): starts each new shipment's stream and
    /// writes what <paramref name="creation"/> says must commit with them (the lot, the rows' results, the VTEX order
    /// key), all in one transaction. A trackingId the shipper already used (or one repeated in the creation) is caught by
    /// the unique (shipperId, trackingId) index of the tracking read model and becomes that row's ALREADY_EXISTS, the
    /// other rows still being created. A VTEX order key stored first by a concurrent retry writes nothing and returns it.
    /// </summary>
    /// <exception cref="LotLeaseLostException">A <see cref="LotBatch"/> whose lease was lost: nothing was written.</exception>
    Task<ShipmentCreationResult> Create(ShipmentCreation creation, CancellationToken ct);

    /// <summary>
    /// Loads the shipment, runs <paramref name="decide"/> on it and appends what it returns, all or nothing.
    /// <paramref name="expectedVersion"/>, when given, must be the current version (else a conflict).
    /// </summary>
    Task<ShipmentVersion> Decide(
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct);

    Task<IReadOnlyList<RecordedShipmentEvent>> GetEvents(Guid shipmentId, CancellationToken ct);

    /// <summary>The aggregate as it was at a version or at a moment (both null: now).</summary>
    Task<Shipment?> GetState(Guid shipmentId, long? version, DateTimeOffset? at, CancellationToken ct);
}
