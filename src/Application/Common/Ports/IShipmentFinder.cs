using Cargamos.Modular.Application.Shipments.ReadModels;

namespace Cargamos.Modular.Application.Common.Ports;

/// <summary>Finds shipments in the tracking read model.</summary>
public interface IShipmentFinder
{
    /// <summary>Every shipment whose shipmentId or trackingId is <paramref name="id"/>.</summary>
    Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct);
}
