using Cargamos.Modular.Domain.Shipments;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>
/// The write model, aggregated live from the stream. Delegates to the domain's pure Evolve so the
/// Domain project stays free of Marten (Marten 9's convention methods need its source generator).
/// </summary>
internal sealed partial class ShipmentProjection : SingleStreamProjection<Shipment, Guid>
{
    public override Shipment? Evolve(Shipment? snapshot, Guid id, IEvent e) => Shipment.Evolve(snapshot, e.Data);
}
