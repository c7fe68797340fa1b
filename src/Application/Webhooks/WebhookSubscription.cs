using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Webhooks;

internal enum WebhookStatus
{
    /// <summary>Messages are recorded and sent.</summary>
    Active,

    /// <summary>By the shipper: nothing new is recorded; messages recorded before wait and are sent after resume.</summary>
    Suspended,

    /// <summary>By Cargamos, when the endpoint answered 410 Gone: nothing is recorded; undelivered messages failed.</summary>
    Disabled,
}

/// <summary>
/// A shipper's one webhook (id = the shipper's organization key). The signing secret is kept to sign every attempt; after a
/// rotation the previous secret also signs until <see cref="PreviousSecretExpiresAt"/>.
/// </summary>
internal sealed record WebhookSubscription(
    string Id,
    string Url,
    IReadOnlyList<ShipmentStatus> States,
    string? Description,
    WebhookStatus Status,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? DisabledReason = null)
{
    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public bool Wants(ShipmentStatus state) => Status == WebhookStatus.Active && States.Contains(state);

    /// <summary>The secrets that sign a message sent at <paramref name="now"/>: the current one, then the previous one during the overlap.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && PreviousSecretExpiresAt > now ? [Secret, PreviousSecret] : [Secret];

    /// <summary>The webhook in <paramref name="status"/>, or itself when already there; becoming active forgets why it was disabled.</summary>
    public WebhookSubscription WithStatus(WebhookStatus status, DateTimeOffset now) =>
        Status == status ? this : this with { Status = status, DisabledReason = status == WebhookStatus.Active ? null : DisabledReason, UpdatedAt = now };

    public WebhookSubscription Rotate(string newSecret, DateTimeOffset now) =>
        this with { Secret = newSecret, PreviousSecret = Secret, PreviousSecretExpiresAt = now + SecretOverlap, UpdatedAt = now };
}
