using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments.ReadModels;
using Marten;

namespace Cargamos.Modular.Infrastructure.Shipments;

internal sealed class MartenShipmentFinder(IQuerySession session) : IShipmentFinder
{
    public async Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct)
    {
        if (Guid.TryParse(id, out var shipmentId))
        {
            var byId = await session.LoadAsync<ShipmentTracking>(shipmentId, ct);
            if (byId is not null)
            {
                return [byId];
            }
        }

        return await session.Query<ShipmentTracking>().Where(t => t.TrackingId == id).Take(10).ToListAsync(ct);
    }
}
