namespace Cargamos.Modular.Domain.Shipments;

public enum ShipmentStatus
{
    Created,
    Pending,
    Assigned,
    Picked,
    OnRoute,
    Incident,
    Returned,
    Delivered,
    Canceled,
    OnHold,
}

public static class ShipmentStatusNames
{
    /// <summary>The wire name used by the Cargamos and VTEX documents (ON_ROUTE, ON_HOLD, ...).</summary>
    public static string ToCode(this ShipmentStatus status) => status switch
    {
        ShipmentStatus.Created => "CREATED",
        ShipmentStatus.Pending => "PENDING",
        ShipmentStatus.Assigned => "ASSIGNED",
        ShipmentStatus.Picked => "PICKED",
        ShipmentStatus.OnRoute => "ON_ROUTE",
        ShipmentStatus.Incident => "INCIDENT",
        ShipmentStatus.Returned => "RETURNED",
        ShipmentStatus.Delivered => "DELIVERED",
        ShipmentStatus.Canceled => "CANCELED",
        ShipmentStatus.OnHold => "ON_HOLD",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool IsFinal(this ShipmentStatus status) =>
        status is ShipmentStatus.Delivered or ShipmentStatus.Canceled or ShipmentStatus.Returned;
}
