using Cargamos.Modular.Application.Common;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

internal sealed record EvidenceRequest(EvidenceType? Type, [property: TextLimit(4_000)] string? Content, string? Author);

/// <summary>A carrier adds proof of pickup or delivery (photos, signatures, texts).</summary>
internal sealed record AddServiceEvidences(string CarrierId, string ServiceId, IReadOnlyList<EvidenceRequest> Evidences) : ICommand<ShipmentVersion>;

internal sealed class AddServiceEvidencesValidator : AbstractValidator<AddServiceEvidences>
{
    public AddServiceEvidencesValidator()
    {
        RuleFor(c => c.Evidences).NotEmpty().WithMessage("Send an array with at least one evidence.").OverridePropertyName("body");
        RuleFor(c => c.Evidences.Count).LessThanOrEqualTo(100).OverridePropertyName("body");
        RuleForEach(c => c.Evidences).NotNull().WithMessage("Each evidence must be an object like {\"type\":\"TEXT\",\"content\":\"...\"}.").OverridePropertyName("body");
        RuleForEach(c => c.Evidences).ChildRules(evidence =>
        {
            evidence.RuleFor(e => e.Type).NotNull().WithMessage("type (IMAGE or TEXT) is required.");
            evidence.RuleFor(e => e.Content).NotEmpty().WithMessage("content is required.").MaximumLength(4000);
            evidence.RuleFor(e => e.Content).Must(c => Uri.TryCreate(c, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                .When(e => e.Type == EvidenceType.Image && !string.IsNullOrEmpty(e.Content))
                .WithMessage("An IMAGE evidence's content must be the image's absolute http(s) URL.");
            evidence.RuleFor(e => e.Author).MaximumLength(200);
        });
    }
}

internal sealed class AddServiceEvidencesHandler(CarrierShipments shipments) : ICommandHandler<AddServiceEvidences, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(AddServiceEvidences command, CancellationToken cancellationToken)
    {
        var evidences = command.Evidences.Select(e => new ShipmentEvidence(e.Type!.Value, e.Content!, e.Author)).ToList();
        return await shipments.Decide(command.CarrierId, command.ServiceId, (_, by, now) => ShipmentDecisions.AddEvidences(evidences, by, now), cancellationToken);
    }
}
