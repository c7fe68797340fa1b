namespace Cargamos.Modular.Application.Webhooks.Ports;

/// <summary>The shippers' webhooks, one per shipper.</summary>
internal interface IWebhookSubscriptions
{
    Task<WebhookSubscription?> Get(string shipperId, CancellationToken ct);

    /// <summary>Creates or replaces; a concurrent change since <see cref="Get"/> is a 409 WEBHOOK_CHANGED.</summary>
    Task Save(WebhookSubscription subscription, CancellationToken ct);

    /// <summary>Deletes the webhook and fails its undelivered messages, in one transaction; false when there was none.</summary>
    Task<bool> Delete(string shipperId, CancellationToken ct);

    /// <summary>The webhook's breaker as it stands (closed, with no failure, when its endpoint has not failed since its last delivery).</summary>
    Task<WebhookBreaker> Breaker(string shipperId, CancellationToken ct);
}

/// <summary>The outbox of webhook messages and their delivery attempts.</summary>
internal interface IWebhookDeliveries
{
    /// <summary>Records a message for the dispatcher (committed at once) and wakes the dispatchers up.</summary>
    Task<WebhookDelivery> Enqueue(string shipperId, WebhookMessage message, CancellationToken ct);

    /// <summary>The shipper's messages, newest first, older than <paramref name="before"/> (a message id), with their attempts.</summary>
    Task<IReadOnlyList<WebhookDelivery>> List(string shipperId, DeliveryStatus? status, Guid? before, int limit, CancellationToken ct);

    Task<WebhookDelivery?> Get(string shipperId, Guid id, CancellationToken ct);

    /// <summary>Queues the message for an attempt now, its retry schedule started again; false while an attempt is in flight.</summary>
    Task<bool> Redeliver(string shipperId, Guid id, CancellationToken ct);
}

/// <summary>Whether a URL may receive webhooks: scheme, and (SSRF) the addresses its host resolves to.</summary>
internal interface IWebhookUrlGuard
{
    /// <summary>Why <paramref name="url"/> may not be used, or null when it may.</summary>
    Task<string?> Check(Uri url, CancellationToken ct);
}
