
namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// The VTEX orders that became shipments, one per (carrierId, orderId): VTEX retries a service creation with the
/// same orderId, and a retry must find the shipment of the first attempt instead of creating another one. The key is
/// stored with the shipment by <see cref="IShipmentStore.Create"/>.
/// </summary>
internal interface IVtexOrders
{
    Task<VtexOrderKey?> Find(string carrierId, string orderId, CancellationToken ct);

    Task<VtexOrderKey?> FindByShipment(Guid shipmentId, CancellationToken ct);
}
