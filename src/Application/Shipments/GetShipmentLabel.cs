using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>A shipment's 4x6 in label, by shipmentId or trackingId, scoped to the caller as <see cref="GetShipment"/> is.</summary>
internal sealed record GetShipmentLabel(string Id, LabelFormat Format) : IQuery<RenderedLabels>;

internal sealed class GetShipmentLabelValidator : AbstractValidator<GetShipmentLabel>
{
    public GetShipmentLabelValidator() => RuleFor(q => q.Id).NotEmpty().MaximumLength(100);
}

internal sealed class GetShipmentLabelHandler(ShipmentAccess access, ShipmentLabelPrinter printer) : IQueryHandler<GetShipmentLabel, RenderedLabels>
{
    public async ValueTask<RenderedLabels> Handle(GetShipmentLabel query, CancellationToken cancellationToken) =>
        printer.Print([await access.Resolve(query.Id, cancellationToken)], query.Format);
}
