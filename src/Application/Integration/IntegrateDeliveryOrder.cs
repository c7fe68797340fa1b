using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Common.Telemetry;
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

/// <summary>The order as accepted, the trackingId and shipmentId (null when simulated), where it goes and its price.</summary>
internal sealed record IntegratedOrder(
    DeliveryOrder Order, string? TrackingId, Guid? ShipmentId, string CarrierId, string ZoneId, long? IntegrationLotId, ShipmentPrice? Price);

internal sealed class IntegrateDeliveryOrderHandler(
    DeliveryOrderIntake intake,
    AuthorizedShipper shipper,
    IShipmentCreator store,
    IShipmentFinder finder,
    ICaller caller,
    CargamosMetrics metrics) : ICommandHandler<IntegrateDeliveryOrder, IntegratedOrder>
{
    public async ValueTask<IntegratedOrder> Handle(IntegrateDeliveryOrder command, CancellationToken cancellationToken)
    {
        var shipperId = shipper.Organization.Id;
        if (command.Simulate)
        {
            // Nothing is written, so no unique index can tell a used trackingId: the tracking read model is asked.
            var (order, zone, price) = (await intake.Check(command.Order, shipper.Contract, cancellationToken)).OrThrow();
            if (order.ShipperTrackingId is { } chosen && await finder.FindByTrackingId(shipperId, chosen, cancellationToken) is { } existing)
            {
                throw DeliveryOrderIntake.AlreadyExists(existing.IntegrationLotId, existing.CreatedAt);
            }

            return new IntegratedOrder(order, order.ShipperTrackingId, null, zone.DefaultCarrierId, zone.Id, null, price);
        }

        var admission = await intake.Admit(command.Order, shipper.Contract, new IntakePolicy(shipperId, caller.Actor), cancellationToken);
        if (admission.Shipment is not { } shipment)
        {
            metrics.OrderRejected(CargamosMetrics.Sources.Api, admission.Errors);
            throw new AppError(admission.Kind, admission.Errors);
        }

        var result = await store.Create(ShipmentCreation.OfOne(shipment, LotSources.Api, caller.ProcessId), cancellationToken);
        if (result.Rows[0] is { Created: false } refused)
        {
            metrics.OrderRejected(CargamosMetrics.Sources.Api, refused.Errors);
            throw new AppError(ErrorKind.Conflict, refused.Errors);
        }

        metrics.OrderAccepted(CargamosMetrics.Sources.Api);

        var created = shipment.Created;
        return new IntegratedOrder(created.Order, created.TrackingId, created.ShipmentId, created.CarrierId, shipment.Accepted.Zone.Id, created.IntegrationLotId, created.Price);
    }
}
