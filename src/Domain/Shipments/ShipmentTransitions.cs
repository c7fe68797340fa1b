namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// The one transition table (README, "Shipment lifecycle"), read over a <see cref="StatusPosition"/> (what
/// <see cref="ShipmentStatusRule"/> folds from the events). INCIDENT and ON_HOLD remember the status
/// they interrupted: an incident may return to that status or go wherever it could have gone; a hold
/// only resumes (explicitly, or implicitly by a status update the interrupted status allows) or cancels.
/// </summary>
public static class ShipmentTransitions
{
    private static readonly Dictionary<ShipmentStatus, ShipmentStatus[]> Base = new()
    {
        [ShipmentStatus.Created] = [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Incident, ShipmentStatus.Canceled, ShipmentStatus.OnHold],
        [ShipmentStatus.Pending] = [ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.Incident, ShipmentStatus.Canceled, ShipmentStatus.OnHold],
        [ShipmentStatus.Assigned] = [ShipmentStatus.Pending, ShipmentStatus.Picked, ShipmentStatus.Incident, ShipmentStatus.Canceled, ShipmentStatus.OnHold],
        [ShipmentStatus.Picked] = [ShipmentStatus.OnRoute, ShipmentStatus.Delivered, ShipmentStatus.Incident, ShipmentStatus.Returned, ShipmentStatus.OnHold],
        [ShipmentStatus.OnRoute] = [ShipmentStatus.Delivered, ShipmentStatus.Incident, ShipmentStatus.Returned, ShipmentStatus.OnHold],
        [ShipmentStatus.Returned] = [],
        [ShipmentStatus.Delivered] = [],
        [ShipmentStatus.Canceled] = [],
    };

    /// <summary>
    /// The statuses a shipment may move to next (its own status excluded: repeating it is an update; CREATED is
    /// never a target, so an incident or hold that interrupted CREATED returns to it only by an explicit resume).
    /// </summary>
    public static IReadOnlySet<ShipmentStatus> AllowedTargets(Shipment shipment) => AllowedTargets(shipment.Position());

    /// <inheritdoc cref="AllowedTargets(Shipment)"/>
    public static IReadOnlySet<ShipmentStatus> AllowedTargets(StatusPosition position)
    {
        switch (position.Status)
        {
            case ShipmentStatus.Incident:
                var origin = position.IncidentFrom ?? ShipmentStatus.Created;
                var fromIncident = new HashSet<ShipmentStatus>(Base[origin]) { origin };
                fromIncident.ExceptWith([ShipmentStatus.Incident, ShipmentStatus.Created]);
                return fromIncident;
            case ShipmentStatus.OnHold:
                var interrupted = position.HeldFrom ?? ShipmentStatus.Created;
                var fromHold = new HashSet<ShipmentStatus>(AllowedTargets(position with { Status = interrupted, HeldFrom = null })) { interrupted };
                fromHold.ExceptWith([ShipmentStatus.OnHold, ShipmentStatus.Created]);
                return fromHold;
            default:
                return new HashSet<ShipmentStatus>(Base[position.Status]);
        }
    }

    /// <summary>True once the courier has custody of the parcel (a picked parcel is returned, never canceled).</summary>
    public static bool InCustody(Shipment shipment) => InCustody(shipment.Position());

    /// <inheritdoc cref="InCustody(Shipment)"/>
    public static bool InCustody(StatusPosition position)
    {
        var effective = position.Status == ShipmentStatus.OnHold ? position.HeldFrom : position.Status;
        if (effective == ShipmentStatus.Incident)
        {
            effective = position.IncidentFrom;
        }

        return effective is ShipmentStatus.Picked or ShipmentStatus.OnRoute;
    }
}
