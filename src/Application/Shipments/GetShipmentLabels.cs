using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>
/// The labels of a pick-up batch in one file, one label per shipment in the order given. Every id must name a shipment
/// the caller can see, else nothing is rendered and the 404 names each id that does not.
/// </summary>
internal sealed record GetShipmentLabels(IReadOnlyList<string>? ShipmentIds, LabelFormat Format) : IQuery<RenderedLabels>;

internal sealed class GetShipmentLabelsValidator : AbstractValidator<GetShipmentLabels>
{
    public const int MaxShipments = 100;

    public GetShipmentLabelsValidator()
    {
        RuleFor(q => q.ShipmentIds).NotEmpty().WithName("shipmentIds")
            .WithMessage("shipmentIds must list from 1 to 100 shipmentIds or trackingIds.");
        RuleFor(q => q.ShipmentIds!.Count).LessThanOrEqualTo(MaxShipments).When(q => q.ShipmentIds is not null).OverridePropertyName("shipmentIds")
            .WithMessage(q => $"At most {MaxShipments} shipments per request; this one lists {q.ShipmentIds!.Count}.");
        RuleForEach(q => q.ShipmentIds).NotEmpty().MaximumLength(100).OverridePropertyName("shipmentIds");
        RuleFor(q => q.ShipmentIds).Must(ids => ids!.Distinct(StringComparer.Ordinal).Count() == ids!.Count)
            .When(q => q.ShipmentIds is { Count: > 0 }).WithName("shipmentIds")
            .WithMessage(q => $"Each shipment may be listed once; repeated: {string.Join(", ", Repeated(q.ShipmentIds!).Select(id => $"'{id}'"))}.");
    }

    private static IEnumerable<string> Repeated(IReadOnlyList<string> ids) =>
        ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
}

internal sealed class GetShipmentLabelsHandler(ShipmentAccess access, ShipmentLabelPrinter printer) : IQueryHandler<GetShipmentLabels, RenderedLabels>
{
    public async ValueTask<RenderedLabels> Handle(GetShipmentLabels query, CancellationToken cancellationToken)
    {
        var ids = query.ShipmentIds!;
        var shipments = await access.ResolveAll(ids, "shipmentIds", cancellationToken);

        // A shipmentId and the same shipment's trackingId are two strings but one parcel: one label each, not two.
        var first = new Dictionary<Guid, int>();
        for (var i = 0; i < shipments.Count; i++)
        {
            if (!first.TryAdd(shipments[i].Id, i))
            {
                throw AppError.InvalidParameter(
                    $"shipmentIds[{i}] ('{ids[i]}') names the same shipment as shipmentIds[{first[shipments[i].Id]}] ('{ids[first[shipments[i].Id]]}'); list each shipment once.",
                    $"shipmentIds[{i}]", "request.body");
            }
        }

        return printer.Print(shipments, query.Format);
    }
}
