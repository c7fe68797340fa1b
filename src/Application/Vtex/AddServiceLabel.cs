using System.Text;
using Cargamos.Modular.Application.Common;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

// An inline BASE64 or TEXT label travels in url: bounded by the body limit, its 180 KB rule answers 413 LABEL_TOO_LARGE.
[RequiredFields("id", "url", "name", "type")]
internal sealed record LabelRequest(string? Id, [property: TextLimit(256 * 1024)] string? Url, string? Name, LabelType? Type);

/// <summary>A carrier attaches a shipping label. BASE64 and TEXT labels travel inline and may not exceed 180 KB.</summary>
internal sealed record AddServiceLabel(string CarrierId, string ServiceId, LabelRequest Label) : ICommand<ShipmentVersion>;

internal sealed class AddServiceLabelValidator : AbstractValidator<AddServiceLabel>
{
    public AddServiceLabelValidator()
    {
        RuleFor(c => c.Label.Id).NotEmpty().MaximumLength(200).OverridePropertyName("id");
        RuleFor(c => c.Label.Url).NotEmpty().OverridePropertyName("url");
        RuleFor(c => c.Label.Name).NotEmpty().MaximumLength(300).OverridePropertyName("name");
        RuleFor(c => c.Label.Type).NotNull().WithMessage("type (PDF, BASE64, TEXT or ZPL) is required.").OverridePropertyName("type");
        RuleFor(c => c.Label.Url).Must(u => IsBase64(u!)).When(c => c.Label.Type == LabelType.Base64 && !string.IsNullOrEmpty(c.Label.Url))
            .WithMessage("A BASE64 label's url must hold the label itself, base64-encoded.").OverridePropertyName("url");

        // A PDF or ZPL label is a link that stores, couriers and the VTEX admin open: http(s) only (no javascript:,
        // data:, file: ...), and no longer than any link needs to be.
        RuleFor(c => c.Label.Url).Must(IsHttpLink!).When(c => c.Label.Type is LabelType.Pdf or LabelType.Zpl && !string.IsNullOrEmpty(c.Label.Url))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage("A PDF or ZPL label's url must be an http:// or https:// link of at most 2,000 characters.").OverridePropertyName("url");
    }

    private static bool IsHttpLink(string url) =>
        url.Length <= 2_000
        && (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        && !url.Any(char.IsControl);

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}

internal sealed class AddServiceLabelHandler(CarrierShipments shipments) : ICommandHandler<AddServiceLabel, ShipmentVersion>
{
    /// <summary>The VTEX document's limit for inline (BASE64 and TEXT) labels.</summary>
    public const int MaxInlineBytes = 180 * 1024;

    public async ValueTask<ShipmentVersion> Handle(AddServiceLabel command, CancellationToken cancellationToken)
    {
        var label = command.Label;
        if (label.Type is LabelType.Base64 or LabelType.Text && Encoding.UTF8.GetByteCount(label.Url!) is var size && size > MaxInlineBytes)
        {
            throw new AppError(ErrorKind.PayloadTooLarge, "LABEL_TOO_LARGE", "The label is too large.",
                $"A {label.Type.Value.ToString().ToUpperInvariant()} label may hold at most {MaxInlineBytes} bytes (180 KB); this one holds {size}. Send large labels as PDF or ZPL by URL.",
                "url");
        }

        var added = new ShipmentLabel(label.Id!, label.Url!, label.Name!, label.Type!.Value);
        return await shipments.Decide(command.CarrierId, command.ServiceId, (s, by, now) => ShipmentDecisions.AddLabel(s, added, by, now), cancellationToken);
    }
}
