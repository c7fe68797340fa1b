using Cargamos.Modular.Application.Vtex.ReadModels;
using Marten;
using Cargamos.Modular.Application.Vtex;

namespace Cargamos.Modular.Infrastructure.Vtex;

internal sealed class MartenVtexServiceViews(IQuerySession session) : IVtexServiceViews
{
    // A stream started before the inline projection was registered has no document (inline projections do not
    // backfill): aggregate it live with the same projection rather than answer 404 for a service that exists.
    public async Task<VtexServiceView?> Get(Guid shipmentId, CancellationToken ct)
    {
        var view = await session.LoadAsync<VtexServiceView>(shipmentId, ct)
                   ?? await session.Events.AggregateStreamAsync<VtexServiceView>(shipmentId, token: ct);
        return view is null ? null : VtexServiceProjection.InWrittenOrder(view);
    }
}
