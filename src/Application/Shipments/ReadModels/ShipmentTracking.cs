using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Shipments.ReadModels;

/// <summary>The tracking read model: one document per shipment, kept current in the same transaction as its events.</summary>
public sealed record ShipmentTracking(
    Guid Id,
    string TrackingId,
    string ShipperId,
    string CarrierId,
    string? ShipperTrackingId,
    ShipmentStatus Status,
    ShipmentStatus? ResumesTo,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);
