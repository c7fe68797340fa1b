using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>Where a shipment stands: its status and, while ON_HOLD, the status a resume returns to.</summary>
internal readonly record struct StatusPosition(ShipmentStatus Status, ShipmentStatus? ResumesTo);

/// <summary>
/// How each shipment event moves the status, in one pure function shared by the tracking read model and the webhook
/// outbox, so a webhook never announces a status the read model does not show. A hold remembers the status it
/// interrupted; a resume returns to it.
/// </summary>
internal static class StatusFlow
{
    /// <summary>The position after <paramref name="event"/>; null when the event does not touch the status (details, notes, evidences, labels).</summary>
    public static StatusPosition? After(StatusPosition current, object @event) => @event switch
    {
        ShipmentCreated => new StatusPosition(ShipmentStatus.Created, null),
        ShipmentAccepted => new StatusPosition(ShipmentStatus.Pending, null),
        ShipmentAssigned => new StatusPosition(ShipmentStatus.Assigned, null),
        ShipmentPicked => new StatusPosition(ShipmentStatus.Picked, null),
        ShipmentWentOnRoute => new StatusPosition(ShipmentStatus.OnRoute, null),
        IncidentReported => new StatusPosition(ShipmentStatus.Incident, null),
        ShipmentReturned => new StatusPosition(ShipmentStatus.Returned, null),
        ShipmentDelivered => new StatusPosition(ShipmentStatus.Delivered, null),
        ShipmentCanceled => new StatusPosition(ShipmentStatus.Canceled, null),
        ShipmentPutOnHold => new StatusPosition(ShipmentStatus.OnHold, current.Status),
        ShipmentResumed => new StatusPosition(current.ResumesTo ?? current.Status, null),
        _ => null,
    };

    /// <summary>
    /// The status transition <paramref name="event"/> causes from <paramref name="current"/> (null: the stream starts),
    /// or null when the status stays what it was (a reassignment, a note, tracking details).
    /// </summary>
    public static StatusTransition? Transition(StatusPosition? current, object @event)
    {
        if (current is null)
        {
            return @event is ShipmentCreated ? new StatusTransition(null, new StatusPosition(ShipmentStatus.Created, null)) : null;
        }

        var next = After(current.Value, @event);
        return next is { } position && position.Status != current.Value.Status
            ? new StatusTransition(current.Value.Status, position)
            : null;
    }
}

/// <summary>A status change: <see cref="Previous"/> is null for CREATED.</summary>
internal sealed record StatusTransition(ShipmentStatus? Previous, StatusPosition Next);
