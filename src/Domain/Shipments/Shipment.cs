namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// The write model of one shipment, rebuilt from its events. No behaviour: decisions live in
/// <see cref="ShipmentDecisions"/>, the allowed moves in <see cref="ShipmentTransitions"/>.
/// </summary>
public sealed record Shipment(
    Guid Id,
    string TrackingId,
    string ShipperId,
    string CarrierId,
    DeliveryOrder Order,
    ShipmentStatus Status,
    ShipmentStatus? HeldFrom,
    ShipmentStatus? IncidentFrom,
    CourierAgent? Agent,
    TrackingDetails Tracking,
    IReadOnlyList<ShipmentNote> Notes,
    IReadOnlyList<ShipmentEvidence> Evidences,
    IReadOnlyList<ShipmentLabel> Labels,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    long Version)
{
    public static Shipment? Evolve(Shipment? state, object @event)
    {
        if (@event is ShipmentCreated created)
        {
            return new Shipment(
                created.ShipmentId, created.TrackingId, created.ShipperId, created.CarrierId, created.Order,
                ShipmentStatus.Created, null, null, null, TrackingDetails.None, [], [], [],
                created.At, created.At, null, 1);
        }

        if (state is null || @event is not IShipmentEvent e)
        {
            return state;
        }

        var next = @event switch
        {
            ShipmentAccepted => state.MoveTo(ShipmentStatus.Pending),
            ShipmentAssigned assigned => state.MoveTo(ShipmentStatus.Assigned) with { Agent = assigned.Agent ?? state.Agent },
            ShipmentPicked => state.MoveTo(ShipmentStatus.Picked),
            ShipmentWentOnRoute => state.MoveTo(ShipmentStatus.OnRoute),
            IncidentReported => state.Status == ShipmentStatus.Incident
                ? state
                : state.MoveTo(ShipmentStatus.Incident) with { IncidentFrom = state.Status },
            ShipmentReturned => state.MoveTo(ShipmentStatus.Returned) with { FinishedAt = e.At },
            ShipmentDelivered => state.MoveTo(ShipmentStatus.Delivered) with { FinishedAt = e.At },
            ShipmentCanceled => state.MoveTo(ShipmentStatus.Canceled) with { FinishedAt = e.At },
            ShipmentPutOnHold => state with { Status = ShipmentStatus.OnHold, HeldFrom = state.Status },
            ShipmentResumed => state with { Status = state.HeldFrom ?? state.Status, HeldFrom = null },
            TrackingDetailsUpdated updated => state with
            {
                Tracking = state.Tracking.Merge(updated.Changes),
                Agent = updated.Agent ?? state.Agent,
            },
            NoteAdded added => state with { Notes = [.. state.Notes, .. added.Notes] },
            EvidenceAdded added => state with { Evidences = [.. state.Evidences, .. added.Evidences] },
            LabelAdded added => state with { Labels = [.. state.Labels.Where(l => l.Id != added.Label.Id), added.Label] },
            _ => state,
        };
        return next with { UpdatedAt = e.At, Version = state.Version + 1 };
    }

    public static Shipment? Replay(IEnumerable<object> events) => events.Aggregate((Shipment?)null, Evolve);

    // Leaving an incident or a hold forgets where it came from.
    private Shipment MoveTo(ShipmentStatus status) => this with
    {
        Status = status,
        HeldFrom = null,
        IncidentFrom = status == ShipmentStatus.Incident ? IncidentFrom : null,
    };
}
