using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>
/// A shipment's tracking read model, by shipmentId or trackingId, scoped to the caller; by trackingId only for the
/// tracking answer, read without the order and the price.
/// </summary>
internal sealed record GetShipment(string Id, bool TrackingIdOnly = false) : IQuery<ShipmentTracking>;

internal sealed class GetShipmentValidator : AbstractValidator<GetShipment>
{
    public GetShipmentValidator() => RuleFor(q => q.Id).NotEmpty().MaximumLength(100);
}

internal sealed class GetShipmentHandler(ShipmentAccess access) : IQueryHandler<GetShipment, ShipmentTracking>
{
    public async ValueTask<ShipmentTracking> Handle(GetShipment query, CancellationToken cancellationToken) =>
        query.TrackingIdOnly
            ? await access.ResolveTracking(query.Id, cancellationToken)
            : await access.Resolve(query.Id, cancellationToken);
}
