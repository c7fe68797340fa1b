using Cargamos.Modular.Application.Vtex.ReadModels;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>The VTEX service read model (<see cref="VtexServiceView"/>), one document per shipment.</summary>
internal interface IVtexServiceViews
{
    /// <summary>
    /// The shipment's view as the inline projection wrote it; for a stream older than the projection (no document yet),
    /// the same projection aggregated live from the events. Null when there is no such shipment.
    /// </summary>
    Task<VtexServiceView?> Get(Guid shipmentId, CancellationToken ct);
}
