using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Shipments.Contracts;

/// <summary>One status a shipment went through, with its business time.</summary>
public sealed record StatusChange(ShipmentStatus Status, DateTimeOffset At);

/// <summary>
/// The tracking read model: one document per shipment, written by an inline projection in the same transaction as
/// its events, so it is readable as soon as the integration answers 201. Unique per (shipper, trackingId).
/// <see cref="Status"/>, <see cref="HeldFrom"/> and <see cref="IncidentFrom"/> are the shipment's <see cref="StatusPosition"/>.
/// </summary>
public sealed record ShipmentTracking(
    Guid Id,
    string TrackingId,
    string ShipperId,
    string CarrierId,
    string? ShipperTrackingId,
    ShipmentStatus Status,
    ShipmentStatus? HeldFrom,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    long? IntegrationLotId = null,
    string? ShipperLotId = null,
    string? ZoneId = null,
    DateTimeOffset? PromisedDate = null,
    string? TrackingUrl = null,
    int EvidencesCount = 0,
    IReadOnlyList<StatusChange>? History = null,
    DeliveryOrder? Order = null,
    ShipmentStatus? IncidentFrom = null,
    ShipmentPrice? Price = null,
    DeliveryWindow? Window = null)
{
    /// <summary>Where the shipment stands, as <see cref="ShipmentStatusRule"/> folds it (a method: not a stored field).</summary>
    public StatusPosition Position() => new(Status, HeldFrom, IncidentFrom);
}
