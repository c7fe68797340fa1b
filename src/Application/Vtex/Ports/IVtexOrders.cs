using Cargamos.Modular.Application.Integration.ReadModels;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// The VTEX orders that became shipments, one per (carrierId, orderId): VTEX retries a service creation with the
/// same orderId, and a retry must find the shipment of the first attempt instead of creating another one.
/// </summary>
internal interface IVtexOrders
{
    Task<VtexOrderKey?> Find(string carrierId, string orderId, CancellationToken ct);

    Task<VtexOrderKey?> FindByShipment(Guid shipmentId, CancellationToken ct);

    /// <summary>
    /// Starts the shipment's stream with <paramref name="events"/> (the first is its <c>ShipmentCreated</c>) and stores
    /// <paramref name="lot"/> and <paramref name="key"/>, all in one transaction. When another request already stored a
    /// key with the same id (a concurrent retry that won), nothing is written and that stored key is returned.
    /// </summary>
    Task<VtexOrderKey> StartOnce(VtexOrderKey key, IReadOnlyList<IShipmentEvent> events, IntegrationLot lot, CancellationToken ct);
}
