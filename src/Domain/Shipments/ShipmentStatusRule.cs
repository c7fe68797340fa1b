namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// Where a shipment stands in its lifecycle: its status and what an interruption remembers. While ON_HOLD,
/// <see cref="HeldFrom"/> is the status a resume returns to; while INCIDENT (or ON_HOLD from an INCIDENT),
/// <see cref="IncidentFrom"/> is the status the incident interrupted.
/// </summary>
public readonly record struct StatusPosition(ShipmentStatus Status, ShipmentStatus? HeldFrom = null, ShipmentStatus? IncidentFrom = null)
{
    /// <summary>Where every shipment starts.</summary>
    public static StatusPosition Created => new(ShipmentStatus.Created);
}

/// <summary>A status change: <see cref="Previous"/> is null for CREATED (the stream starts).</summary>
public sealed record StatusTransition(ShipmentStatus? Previous, StatusPosition Next);

/// <summary>
/// The one rule of how each shipment event moves the status. The aggregate, the read models (tracking, VTEX service) and
/// the webhook outbox all fold it, so none of them can show or announce a status the others do not.
/// Which moves are allowed is <see cref="ShipmentTransitions"/>' business, not this rule's: it only records what happened.
/// </summary>
public static class ShipmentStatusRule
{
    /// <summary>
    /// The position after <paramref name="event"/>; null when the event does not touch the status (tracking details,
    /// notes, evidences, labels). A status event that repeats the status (a reassignment, a second incident) returns a
    /// position with the same status.
    /// </summary>
    public static StatusPosition? After(StatusPosition current, object @event) => @event switch
    {
        ShipmentCreated => StatusPosition.Created,
        ShipmentAccepted => Reached(ShipmentStatus.Pending),
        ShipmentAssigned => Reached(ShipmentStatus.Assigned),
        ShipmentPicked => Reached(ShipmentStatus.Picked),
        ShipmentWentOnRoute => Reached(ShipmentStatus.OnRoute),
        // A second incident keeps remembering what the first one interrupted.
        IncidentReported => current.Status == ShipmentStatus.Incident ? current : new StatusPosition(ShipmentStatus.Incident, null, current.Status),
        ShipmentReturned => Reached(ShipmentStatus.Returned),
        ShipmentDelivered => Reached(ShipmentStatus.Delivered),
        ShipmentCanceled => Reached(ShipmentStatus.Canceled),
        // A hold keeps the incident it interrupted (and where that incident came from); a resume returns to both.
        ShipmentPutOnHold => current with { Status = ShipmentStatus.OnHold, HeldFrom = current.Status },
        ShipmentResumed => current with { Status = current.HeldFrom ?? current.Status, HeldFrom = null },
        _ => null,
    };

    /// <summary>
    /// The status transition <paramref name="event"/> causes from <paramref name="current"/> (null: the stream starts),
    /// or null when the status stays what it was (a reassignment, a repeated incident, a note, tracking details).
    /// </summary>
    public static StatusTransition? Transition(StatusPosition? current, object @event)
    {
        if (current is not { } position)
        {
            return @event is ShipmentCreated ? new StatusTransition(null, StatusPosition.Created) : null;
        }

        return After(position, @event) is { } next && next.Status != position.Status
            ? new StatusTransition(position.Status, next)
            : null;
    }

    /// <summary>The position after a whole stream; null before its <see cref="ShipmentCreated"/>.</summary>
    public static StatusPosition? Replay(IEnumerable<object> events) =>
        events.Aggregate((StatusPosition?)null, (position, e) => position is { } current
            ? After(current, e) ?? current
            : e is ShipmentCreated ? StatusPosition.Created : null);

    // Reaching a status by a move (not a resume) leaves any incident or hold: it forgets where it came from.
    private static StatusPosition Reached(ShipmentStatus status) => new(status);
}
