using Cargamos.Modular.Domain.Shipments;
using JasperFx.Events;
using Marten.Events.Aggregation;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>Inline: the tracking document is written in the same transaction as the events, so a 201 is readable at once.</summary>
internal sealed partial class ShipmentTrackingProjection : SingleStreamProjection<ShipmentTracking, Guid>
{
    public ShipmentTrackingProjection() => ShipmentProjectionRebuild.Configure(Options);

    public override ShipmentTracking? Evolve(ShipmentTracking? snapshot, Guid id, IEvent e)
    {
        if (e.Data is ShipmentCreated created)
        {
            return new ShipmentTracking(
                created.ShipmentId, created.TrackingId, created.ShipperId, created.CarrierId, created.Order.ShipperTrackingId,
                ShipmentStatus.Created, null, created.At, created.At, 1,
                created.IntegrationLotId, created.Order.LotId, created.ZoneId, created.Order.ExpectedDeliveryDate, null, 0,
                [new StatusChange(ShipmentStatus.Created, created.At)], created.Order, Price: created.Price, Window: created.Window);
        }

        if (snapshot is null || e.Data is not IShipmentEvent shipmentEvent)
        {
            return snapshot;
        }

        var next = ShipmentStatusRule.After(snapshot.Position(), e.Data) is { } position
            ? Move(snapshot, position, shipmentEvent.At)
            : e.Data switch
            {
                TrackingDetailsUpdated updated => snapshot with { TrackingUrl = updated.Changes.TrackingUrl ?? snapshot.TrackingUrl },
                EvidenceAdded added => snapshot with { EvidencesCount = snapshot.EvidencesCount + added.Evidences.Count },
                _ => snapshot,
            };
        return next with { UpdatedAt = shipmentEvent.At, Version = snapshot.Version + 1 };
    }

    // ShipmentStatusRule is the one rule of how events move the status (the aggregate, the VTEX view and the webhook
    // outbox fold the same one). Every status event is a history entry, a repeated status (a reassignment) too.
    private static ShipmentTracking Move(ShipmentTracking tracking, StatusPosition position, DateTimeOffset at) => tracking with
    {
        Status = position.Status,
        HeldFrom = position.HeldFrom,
        IncidentFrom = position.IncidentFrom,
        History = [.. tracking.History ?? [], new StatusChange(position.Status, at)],
    };
}
