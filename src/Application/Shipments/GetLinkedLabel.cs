using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>
/// A label through an anonymous signed link (<see cref="ILabelLinks.Label"/>), as VTEX downloads the labels of a service
/// it created. The link is the credential: whoever holds it may print that one shipment's label until it expires.
/// </summary>
internal sealed record GetLinkedLabel(string Token, LabelFormat Format) : IQuery<RenderedLabels>;

internal sealed class GetLinkedLabelValidator : AbstractValidator<GetLinkedLabel>
{
    public GetLinkedLabelValidator() => RuleFor(q => q.Token).NotEmpty().MaximumLength(1_000).WithName("token");
}

internal sealed class GetLinkedLabelHandler(ILabelLinks links, IShipmentFinder finder, ShipmentLabelPrinter printer)
    : IQueryHandler<GetLinkedLabel, RenderedLabels>
{
    public async ValueTask<RenderedLabels> Handle(GetLinkedLabel query, CancellationToken cancellationToken)
    {
        // Altered, expired and unknown links answer alike, so a link tells nothing about any other shipment.
        var shipment = links.ShipmentOf(query.Token) is { } id
            ? (await finder.FindByAnyId(id.ToString(), cancellationToken)).FirstOrDefault(s => s.Id == id)
            : null;
        return shipment is null
            ? throw new AppError(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
                "There is no label at this link: it is altered, expired or was never issued. Ask for the label again.", "token", "request.path")
            : printer.Print([shipment], query.Format);
    }
}
