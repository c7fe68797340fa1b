using Cargamos.Modular.Application.Common.Behaviors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Integration.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Integration;

/// <summary>
/// Integrates one delivery order: the four layers of the Cargamos document, then a shipment (stream started with
/// ShipmentCreated, carrier = the zone's default carrier) in an integration lot of one. With
/// <paramref name="Simulate"/> every check runs and nothing is written.
/// </summary>
internal sealed record IntegrateDeliveryOrder(DeliveryOrderRequest Order, bool Simulate) : ICommand<IntegratedOrder>, IShipperRequest;

/// <summary>The order as accepted, the trackingId and shipmentId (null when simulated), and where it goes.</summary>
internal sealed record IntegratedOrder(DeliveryOrder Order, string? TrackingId, Guid? ShipmentId, string CarrierId, string ZoneId, long? IntegrationLotId);

internal sealed class IntegrateDeliveryOrderHandler(
    DeliveryOrderIntake intake,
    AuthorizedShipper shipper,
    IShipmentStore store,
    IShipmentFinder finder,
    IIntegrationLots lots,
    ICaller caller,
    TimeProvider clock) : ICommandHandler<IntegrateDeliveryOrder, IntegratedOrder>
{
    public async ValueTask<IntegratedOrder> Handle(IntegrateDeliveryOrder command, CancellationToken cancellationToken)
    {
        var (order, zone) = (await intake.Check(command.Order, shipper.Contract, cancellationToken)).OrThrow();
        var shipperId = shipper.Organization.Id;
        if (order.ShipperTrackingId is { } chosen && await finder.FindByTrackingId(shipperId, chosen, cancellationToken) is { } existing)
        {
            throw DeliveryOrderIntake.AlreadyExists(existing.IntegrationLotId, existing.CreatedAt);
        }

        if (command.Simulate)
        {
            return new IntegratedOrder(order, order.ShipperTrackingId, null, zone.DefaultCarrierId, zone.Id, null);
        }

        var now = clock.GetUtcNow();
        var lotId = await lots.NextId(cancellationToken);
        var shipmentId = Guid.CreateVersion7();
        var trackingId = order.ShipperTrackingId ?? TrackingIds.New();
        var created = ShipmentDecisions.Create(shipmentId, trackingId, shipperId, zone.DefaultCarrierId, order, caller.Actor, now, lotId, zone.Id);
        var lot = new IntegrationLot(lotId, shipperId, LotSources.Api, order.LotId, "COMPLETED", 1, 1, 0, now, now);
        await store.Start(created, lot, cancellationToken);
        return new IntegratedOrder(order, trackingId, shipmentId, zone.DefaultCarrierId, zone.Id, lotId);
    }
}
