using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// Registers the shipper's one webhook, or replaces its URL, states and description. A new webhook gets a signing secret,
/// answered this once; a replacement keeps its secret (rotate it with <see cref="RotateWebhookSecret"/>) and its
/// suspension, and re-activates a webhook Cargamos disabled after a 410.
/// </summary>
internal sealed record PutWebhook(string? Url, IReadOnlyList<ShipmentStatus>? States, string? Description) : ICommand<WebhookRegistration>;

/// <summary><see cref="Secret"/> is set only when the webhook was created.</summary>
internal sealed record WebhookRegistration(WebhookView Webhook, string? Secret, bool Created);

internal sealed class PutWebhookValidator : AbstractValidator<PutWebhook>
{
    public PutWebhookValidator()
    {
        RuleFor(c => c.Url).NotEmpty().MaximumLength(2000)
            .Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                && string.IsNullOrEmpty(uri.Fragment))
            .WithMessage("url must be an absolute http(s) URL without a fragment, e.g. https://example.com/cargamos/webhook.");
        RuleFor(c => c.States).NotEmpty().WithMessage("states must name at least one status (CREATED, PENDING, ASSIGNED, PICKED, ON_ROUTE, INCIDENT, RETURNED, DELIVERED, CANCELED, ON_HOLD).");
        RuleForEach(c => c.States).IsInEnum();
        RuleFor(c => c.Description).MaximumLength(500);
    }
}

internal sealed class PutWebhookHandler(
    IWebhookSubscriptions subscriptions, IWebhookUrlGuard guard, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : ICommandHandler<PutWebhook, WebhookRegistration>
{
    public async ValueTask<WebhookRegistration> Handle(PutWebhook command, CancellationToken cancellationToken)
    {
        var shipperId = await WebhookOwner.Resolve(caller, accounts, cancellationToken);
        var url = new Uri(command.Url!, UriKind.Absolute);
        if (await guard.Check(url, cancellationToken) is { } refused)
        {
            throw AppError.InvalidParameter(refused, "url", "request.body");
        }

        var now = clock.GetUtcNow();
        var states = command.States!.Distinct().Order().ToList();
        var description = string.IsNullOrWhiteSpace(command.Description) ? null : command.Description.Trim();
        var existing = await subscriptions.Get(shipperId, cancellationToken);
        if (existing is null)
        {
            var secret = WebhookSignature.NewSecret();
            var created = new WebhookSubscription(shipperId, url.AbsoluteUri, states, description, WebhookStatus.Active, secret, null, null, now, now);
            await subscriptions.Save(created, cancellationToken);
            return new WebhookRegistration(WebhookView.Of(created, now), secret, true);
        }

        var replaced = existing with
        {
            Url = url.AbsoluteUri,
            States = states,
            Description = description,
            Status = existing.Status == WebhookStatus.Disabled ? WebhookStatus.Active : existing.Status,
            DisabledReason = null,
            UpdatedAt = now,
        };
        await subscriptions.Save(replaced, cancellationToken);
        return new WebhookRegistration(WebhookView.Of(replaced, now), null, false);
    }
}
