using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>The shipper managing its webhook: a shipper user of an active organization (checked on every call).</summary>
internal static class WebhookOwner
{
    public static async Task<string> Resolve(ICaller caller, IAccountDirectory accounts, CancellationToken ct)
    {
        if (!caller.IsInRole(Roles.Shipper) || caller.ShipperId is not { } shipperId)
        {
            throw AppError.Forbidden("FORBIDDEN", "Only shipper users manage webhooks.");
        }

        var organization = await accounts.FindOrganization(shipperId, ct);
        return organization is { Active: true }
            ? shipperId
            : throw AppError.Forbidden("ACCOUNT_SUSPENDED", $"The shipper '{shipperId}' is suspended; contact Cargamos.");
    }

    /// <summary>The calling shipper's webhook (404 when it has none).</summary>
    public static async Task<WebhookSubscription> Mine(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, CancellationToken ct) =>
        await Existing(subscriptions, await Resolve(caller, accounts, ct), ct);

    /// <summary>Suspends or resumes the calling shipper's webhook; already so, nothing is saved (both are idempotent).</summary>
    public static async Task<WebhookView> SetStatus(
        IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, WebhookStatus status, DateTimeOffset now, CancellationToken ct)
    {
        var webhook = await Mine(subscriptions, caller, accounts, ct);
        var changed = webhook.WithStatus(status, now);
        if (!ReferenceEquals(changed, webhook))
        {
            await subscriptions.Save(changed, ct);
            return WebhookView.Of(changed, now);
        }

        return WebhookView.Of(changed, now, await subscriptions.Breaker(webhook.Id, ct));
    }

    public static async Task<WebhookSubscription> Existing(IWebhookSubscriptions subscriptions, string shipperId, CancellationToken ct) =>
        await subscriptions.Get(shipperId, ct) ?? throw NoWebhook();

    public static AppError NoWebhook() =>
        new(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
            "You have no webhook: register one with PUT /v1/webhook.", null, "request.path");
}

/// <summary>A webhook as its shipper sees it (never with its secret).</summary>
internal sealed record WebhookView(
    string Url,
    IReadOnlyList<Domain.Shipments.ShipmentStatus> States,
    string? Description,
    WebhookStatus Status,
    string? DisabledReason,
    DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    WebhookBreaker Breaker)
{
    /// <summary>Any change to a webhook closes its breaker, so a webhook just saved has it closed.</summary>
    public static WebhookView Of(WebhookSubscription s, DateTimeOffset now, WebhookBreaker? breaker = null) => new(
        s.Url, s.States, s.Description, s.Status, s.DisabledReason,
        s.PreviousSecret is not null && s.PreviousSecretExpiresAt > now ? s.PreviousSecretExpiresAt : null,
        s.CreatedAt, s.UpdatedAt, breaker ?? WebhookBreaker.Closed);
}

internal enum BreakerStatus
{
    /// <summary>Messages are attempted as they come due.</summary>
    Closed,

    /// <summary>The endpoint kept failing: nothing is attempted until <see cref="WebhookBreaker.NextProbeAt"/>.</summary>
    Open,

    /// <summary>The probe time has come: one message probes the endpoint; its delivery closes the breaker.</summary>
    Probing,
}

/// <summary>
/// The webhook's breaker: failed attempts since its last delivery, and while open, when it opened (last) and when one
/// message probes the endpoint next.
/// </summary>
internal sealed record WebhookBreaker(BreakerStatus Status, int ConsecutiveFailures, DateTimeOffset? OpenedAt, DateTimeOffset? NextProbeAt)
{
    public static readonly WebhookBreaker Closed = new(BreakerStatus.Closed, 0, null, null);
}
