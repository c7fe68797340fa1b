using Cargamos.Modular.Domain.Common;

namespace Cargamos.Modular.Domain.Shipments;

// Events are top-level (Marten derives the event alias from the short type name) and each carries
// who did it and when it happened in business time. Marten adds the commit timestamp, the
// sequence, the version and the request's processId (correlation id).

/// <summary>Every shipment event: who did it and when.</summary>
public interface IShipmentEvent
{
    Actor By { get; }

    DateTimeOffset At { get; }
}

/// <summary>
/// The order was integrated: the stream starts here, status CREATED. <paramref name="IntegrationLotId"/> is the
/// integration lot it came in (an API call is a lot of one); <paramref name="ZoneId"/> the coverage zone;
/// <paramref name="Vtex"/> the VTEX Pick and Pack service request, when VTEX created it; <paramref name="Price"/> what the
/// shipper's rate card in force priced it at (null when the shipper has no rate card).
/// </summary>
public sealed record ShipmentCreated(
    Guid ShipmentId,
    string TrackingId,
    string ShipperId,
    string CarrierId,
    DeliveryOrder Order,
    Actor By,
    DateTimeOffset At,
    long? IntegrationLotId = null,
    string? ZoneId = null,
    VtexService? Vtex = null,
    ShipmentPrice? Price = null,
    DeliveryWindow? Window = null) : IShipmentEvent;

/// <summary>
/// The days the shipment was promised for at creation (zone local dates, both included): the shipper's contract's service
/// level in the zone from the dropoff day (<c>ServiceLevelPolicy.Promise</c>). Null on shipments created before it was recorded.
/// </summary>
public sealed record DeliveryWindow(DateOnly Earliest, DateOnly Latest);

/// <summary>The carrier accepted the service: PENDING (waiting for a courier).</summary>
public sealed record ShipmentAccepted(Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>A courier was assigned (or reassigned): ASSIGNED.</summary>
public sealed record ShipmentAssigned(CourierAgent? Agent, Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>The courier took custody of the parcel: PICKED.</summary>
public sealed record ShipmentPicked(Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record ShipmentWentOnRoute(Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record IncidentReported(string? Description, Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record ShipmentReturned(string? Reason, Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record ShipmentDelivered(Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record ShipmentCanceled(CancelType Type, string? Comment, Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record ShipmentPutOnHold(HoldType Type, string? Comment, Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>The hold was lifted: back to the status the shipment had before it.</summary>
public sealed record ShipmentResumed(string? Comment, Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>Tracking facts changed without a status change. Only the changed fields are set.</summary>
public sealed record TrackingDetailsUpdated(TrackingDetails Changes, CourierAgent? Agent, Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>One carrier request's notes (the VTEX hook sends an array and shows it as one timeline entry).</summary>
public sealed record NoteAdded(IReadOnlyList<ShipmentNote> Notes, Actor By, DateTimeOffset At) : IShipmentEvent;

/// <summary>One carrier request's evidences (photos, signatures, texts).</summary>
public sealed record EvidenceAdded(IReadOnlyList<ShipmentEvidence> Evidences, Actor By, DateTimeOffset At) : IShipmentEvent;

public sealed record LabelAdded(ShipmentLabel Label, Actor By, DateTimeOffset At) : IShipmentEvent;
