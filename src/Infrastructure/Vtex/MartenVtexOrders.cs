using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Integration.ReadModels;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Domain.Shipments;
using JasperFx;
using Marten;

namespace Cargamos.Modular.Infrastructure.Vtex;

internal sealed class MartenVtexOrders(IDocumentSession session, ICaller caller) : IVtexOrders
{
    public Task<VtexOrderKey?> Find(string carrierId, string orderId, CancellationToken ct) =>
        session.LoadAsync<VtexOrderKey>(VtexOrderKey.IdFor(carrierId, orderId), ct);

    public Task<VtexOrderKey?> FindByShipment(Guid shipmentId, CancellationToken ct) =>
        session.Query<VtexOrderKey>().FirstOrDefaultAsync(k => k.ShipmentId == shipmentId, ct);

    public async Task<VtexOrderKey> StartOnce(VtexOrderKey key, IReadOnlyList<IShipmentEvent> events, IntegrationLot lot, CancellationToken ct)
    {
        session.CorrelationId = caller.ProcessId;
        session.Insert(key);
        session.Events.StartStream<Shipment>(key.ShipmentId, events.Cast<object>().ToArray());
        session.Store(lot);
        try
        {
            await session.SaveChangesAsync(ct);
            return key;
        }
        catch (DocumentAlreadyExistsException)
        {
            // The key's primary key refused a second (carrierId, orderId): a concurrent retry committed first, and this
            // whole transaction (stream, lot and key) was rolled back. Answer with what the winner stored.
            session.EjectAllPendingChanges();
            return await Find(key.CarrierId, key.OrderId, ct)
                ?? throw new InvalidOperationException($"A duplicate was refused while storing VTEX order '{key.Id}', but no stored key has that id.");
        }
    }
}
