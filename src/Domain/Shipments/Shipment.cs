namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// The write model of one shipment, rebuilt from its events. No behaviour: decisions live in
/// <see cref="ShipmentDecisions"/>, the allowed moves in <see cref="ShipmentTransitions"/>, how events move the status in
/// <see cref="ShipmentStatusRule"/> (shared with the read models and the webhook outbox).
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
    // A method, not a property: the state is also the API's /state document, whose fields stay Status, HeldFrom, IncidentFrom.
    public StatusPosition Position() => new(Status, HeldFrom, IncidentFrom);

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

        var moved = ShipmentStatusRule.After(state.Position(), @event) is { } position
            ? state with { Status = position.Status, HeldFrom = position.HeldFrom, IncidentFrom = position.IncidentFrom }
            : state;
        var next = @event switch
        {
            ShipmentAssigned assigned => moved with { Agent = assigned.Agent ?? state.Agent },
            ShipmentReturned or ShipmentDelivered or ShipmentCanceled => moved with { FinishedAt = e.At },
            TrackingDetailsUpdated updated => moved with
            {
                Tracking = state.Tracking.Merge(updated.Changes),
                Agent = updated.Agent ?? state.Agent,
            },
            NoteAdded added => moved with { Notes = [.. state.Notes, .. added.Notes] },
            EvidenceAdded added => moved with { Evidences = [.. state.Evidences, .. added.Evidences] },
            LabelAdded added => moved with { Labels = [.. state.Labels.Where(l => l.Id != added.Label.Id), added.Label] },
            _ => moved,
        };
        return next with { UpdatedAt = e.At, Version = state.Version + 1 };
    }

    public static Shipment? Replay(IEnumerable<object> events) => events.Aggregate((Shipment?)null, Evolve);
}
