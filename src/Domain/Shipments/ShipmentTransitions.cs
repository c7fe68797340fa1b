namespace Cargamos.Modular.Domain.Shipments;

/// <summary>
/// The one transition table (README, "Shipment lifecycle"). INCIDENT and ON_HOLD remember the status
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
    public static IReadOnlySet<ShipmentStatus> AllowedTargets(Shipment shipment) =>
        AllowedTargets(shipment.Status, shipment.HeldFrom, shipment.IncidentFrom);

    public static IReadOnlySet<ShipmentStatus> AllowedTargets(ShipmentStatus status, ShipmentStatus? heldFrom, ShipmentStatus? incidentFrom)
    {
        switch (status)
        {
            case ShipmentStatus.Incident:
                var origin = incidentFrom ?? ShipmentStatus.Created;
                var fromIncident = new HashSet<ShipmentStatus>(Base[origin]) { origin };
                fromIncident.ExceptWith([ShipmentStatus.Incident, ShipmentStatus.Created]);
                return fromIncident;
            case ShipmentStatus.OnHold:
                var interrupted = heldFrom ?? ShipmentStatus.Created;
                var fromHold = new HashSet<ShipmentStatus>(AllowedTargets(interrupted, null, incidentFrom)) { interrupted };
                fromHold.ExceptWith([ShipmentStatus.OnHold, ShipmentStatus.Created]);
                return fromHold;
            default:
                return new HashSet<ShipmentStatus>(Base[status]);
        }
    }

    /// <summary>True once the courier has custody of the parcel (a picked parcel is returned, never canceled).</summary>
    public static bool InCustody(Shipment shipment)
    {
        var effective = shipment.Status == ShipmentStatus.OnHold ? shipment.HeldFrom : shipment.Status;
        if (effective == ShipmentStatus.Incident)
        {
            effective = shipment.IncidentFrom;
        }

        return effective is ShipmentStatus.Picked or ShipmentStatus.OnRoute;
    }
}
