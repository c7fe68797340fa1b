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
                ShipmentStatus.Created, null, created.At, created.At, 1,
                created.IntegrationLotId, created.Order.LotId, created.ZoneId, created.Order.ExpectedDeliveryDate, null, 0,
                [new StatusChange(ShipmentStatus.Created, created.At)], created.Order);
        }

        if (snapshot is null || e.Data is not IShipmentEvent shipmentEvent)
        {
            return snapshot;
        }

        var next = e.Data switch
        {
            ShipmentAccepted => Move(snapshot, ShipmentStatus.Pending, shipmentEvent.At),
            ShipmentAssigned => Move(snapshot, ShipmentStatus.Assigned, shipmentEvent.At),
            ShipmentPicked => Move(snapshot, ShipmentStatus.Picked, shipmentEvent.At),
            ShipmentWentOnRoute => Move(snapshot, ShipmentStatus.OnRoute, shipmentEvent.At),
            IncidentReported => Move(snapshot, ShipmentStatus.Incident, shipmentEvent.At),
            ShipmentReturned => Move(snapshot, ShipmentStatus.Returned, shipmentEvent.At),
            ShipmentDelivered => Move(snapshot, ShipmentStatus.Delivered, shipmentEvent.At),
            ShipmentCanceled => Move(snapshot, ShipmentStatus.Canceled, shipmentEvent.At),
            ShipmentPutOnHold => Move(snapshot, ShipmentStatus.OnHold, shipmentEvent.At) with { ResumesTo = snapshot.Status },
            ShipmentResumed => Move(snapshot, snapshot.ResumesTo ?? snapshot.Status, shipmentEvent.At),
            TrackingDetailsUpdated updated => snapshot with { TrackingUrl = updated.Changes.TrackingUrl ?? snapshot.TrackingUrl },
            EvidenceAdded added => snapshot with { EvidencesCount = snapshot.EvidencesCount + added.Evidences.Count },
            _ => snapshot,
        };
        return next with { UpdatedAt = shipmentEvent.At, Version = snapshot.Version + 1 };
    }

    private static ShipmentTracking Move(ShipmentTracking tracking, ShipmentStatus status, DateTimeOffset at) =>
        tracking with { Status = status, ResumesTo = null, History = [.. tracking.History ?? [], new StatusChange(status, at)] };
}
