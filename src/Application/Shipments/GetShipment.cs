using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>A shipment's tracking read model, by shipmentId or trackingId (or by trackingId only), scoped to the caller.</summary>
internal sealed record GetShipment(string Id, bool TrackingIdOnly = false) : IQuery<ShipmentTracking>;

internal sealed class GetShipmentValidator : AbstractValidator<GetShipment>
{
    public GetShipmentValidator() => RuleFor(q => q.Id).NotEmpty().MaximumLength(100);
}

internal sealed class GetShipmentHandler(ShipmentAccess access) : IQueryHandler<GetShipment, ShipmentTracking>
{
    public async ValueTask<ShipmentTracking> Handle(GetShipment query, CancellationToken cancellationToken)
    {
        var shipment = await access.Resolve(query.Id, cancellationToken);
        return !query.TrackingIdOnly || shipment.TrackingId == query.Id
            ? shipment
            : throw AppError.NotFound("shipment with trackingId", query.Id, "trackingId");
    }
}
