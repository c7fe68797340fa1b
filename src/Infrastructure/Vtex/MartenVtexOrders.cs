using Cargamos.Modular.Application.Vtex;
using Marten;

namespace Cargamos.Modular.Infrastructure.Vtex;

internal sealed class MartenVtexOrders(IQuerySession session) : IVtexOrders
{
    public Task<VtexOrderKey?> Find(string carrierId, string orderId, CancellationToken ct) =>
        session.LoadAsync<VtexOrderKey>(VtexOrderKey.IdFor(carrierId, orderId), ct);

    public Task<VtexOrderKey?> FindByShipment(Guid shipmentId, CancellationToken ct) =>
        session.Query<VtexOrderKey>().FirstOrDefaultAsync(k => k.ShipmentId == shipmentId, ct);
}
