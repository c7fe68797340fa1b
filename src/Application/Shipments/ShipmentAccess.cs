using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>Resolves a shipmentId or trackingId to the one shipment the caller may see.</summary>
internal sealed class ShipmentAccess(IShipmentFinder finder, ICaller caller)
{
    public async Task<ShipmentTracking> Resolve(string id, CancellationToken ct)
    {
        var visible = (await finder.FindByAnyId(id, ct)).Where(s => caller.CanSee(s.ShipperId)).ToList();
        return visible.Count switch
        {
            0 => throw AppError.NotFound("shipment", id),
            1 => visible[0],
            // Two shippers may choose the same shipperTrackingId: only staff can see both.
            _ => throw AppError.Conflict("AMBIGUOUS_ID", "The identifier matches more than one shipment.",
                $"The trackingId '{id}' belongs to {visible.Count} shipments of different shippers; use the shipmentId instead.", "id"),
        };
    }
}
