namespace Cargamos.Modular.Application.Webhooks;

internal enum DeliveryStatus
{
    /// <summary>Waiting for its first attempt or for a retry.</summary>
    Pending,

    /// <summary>An attempt is in flight.</summary>
    Sending,

    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the endpoint answered 410 Gone, or the webhook was deleted. It can be redelivered.</summary>
    Failed,
}

/// <summary>One attempt to deliver a message: when, the HTTP status (null when no answer came), how long, what went wrong.</summary>
internal sealed record DeliveryAttempt(DateTimeOffset AttemptedAt, int? HttpStatus, int DurationMs, string? Error);

/// <summary>A message of the outbox with its attempts. <see cref="Payload"/> is the exact body sent.</summary>
internal sealed record WebhookDelivery(
    Guid Id,
    string Type,
    Guid? ShipmentId,
    long? Version,
    DeliveryStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError,
    string Payload,
    IReadOnlyList<DeliveryAttempt> Attempts);

internal sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDelivery> Items, string? NextCursor);
