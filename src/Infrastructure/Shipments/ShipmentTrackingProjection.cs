using Cargamos.Modular.Application.Shipments.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>Inline: the tracking document is written in the same transaction as the events, so a 201 is readable at once.</summary>
internal sealed partial class ShipmentTrackingProjection : SingleStreamProjection<ShipmentTracking, Guid>
{
    public override ShipmentTracking? Evolve(ShipmentTracking? snapshot, Guid id, IEvent e)
    {
        if (e.Data is ShipmentCreated created)
        {
            return new ShipmentTracking(
                created.ShipmentId, created.TrackingId, created.ShipperId, created.CarrierId, created.Order.ShipperTrackingId,
                ShipmentStatus.Created, null, created.At, created.At, 1);
        }

        if (snapshot is null || e.Data is not IShipmentEvent shipmentEvent)
        {
            return snapshot;
        }

        var next = e.Data switch
        {
            ShipmentAccepted => Move(snapshot, ShipmentStatus.Pending),
            ShipmentAssigned => Move(snapshot, ShipmentStatus.Assigned),
            ShipmentPicked => Move(snapshot, ShipmentStatus.Picked),
            ShipmentWentOnRoute => Move(snapshot, ShipmentStatus.OnRoute),
            IncidentReported => Move(snapshot, ShipmentStatus.Incident),
            ShipmentReturned => Move(snapshot, ShipmentStatus.Returned),
            ShipmentDelivered => Move(snapshot, ShipmentStatus.Delivered),
            ShipmentCanceled => Move(snapshot, ShipmentStatus.Canceled),
            ShipmentPutOnHold => snapshot with { Status = ShipmentStatus.OnHold, ResumesTo = snapshot.Status },
            ShipmentResumed => Move(snapshot, snapshot.ResumesTo ?? snapshot.Status),
            _ => snapshot,
        };
        return next with { UpdatedAt = shipmentEvent.At, Version = snapshot.Version + 1 };
    }

    private static ShipmentTracking Move(ShipmentTracking tracking, ShipmentStatus status) =>
        tracking with { Status = status, ResumesTo = null };
}
