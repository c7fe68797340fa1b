using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>The raw event stream of a shipment, in order, for auditors (and the shipper that owns it).</summary>
internal sealed record GetShipmentEvents(string Id) : IQuery<ShipmentEventsView>;

internal sealed record ShipmentEventsView(Guid ShipmentId, string TrackingId, IReadOnlyList<RecordedShipmentEvent> Events);

internal sealed class GetShipmentEventsValidator : AbstractValidator<GetShipmentEvents>
{
    public GetShipmentEventsValidator() => RuleFor(q => q.Id).NotEmpty().MaximumLength(100);
}

internal sealed class GetShipmentEventsHandler(ShipmentAccess access, IShipmentStore store) : IQueryHandler<GetShipmentEvents, ShipmentEventsView>
{
    public async ValueTask<ShipmentEventsView> Handle(GetShipmentEvents query, CancellationToken cancellationToken)
    {
        var shipment = await access.Resolve(query.Id, cancellationToken);
        var events = await store.GetEvents(shipment.Id, cancellationToken);
        return new ShipmentEventsView(shipment.Id, shipment.TrackingId, events);
    }
}
