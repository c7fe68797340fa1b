using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Application.Webhooks.Ports;
using JasperFx;
using Marten;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>Webhooks as Marten documents with optimistic concurrency (the dispatcher may disable one while its shipper edits it).</summary>
internal sealed class MartenWebhookSubscriptions(IDocumentSession session, WebhookDatabase database) : IWebhookSubscriptions
{
    public Task<WebhookSubscription?> Get(string shipperId, CancellationToken ct) => session.LoadAsync<WebhookSubscription>(shipperId, ct);

    /// <summary>
    /// In the same transaction, a suspended webhook's due messages are parked and an active one's parked messages made due
    /// (both read one index range; nothing when there are none), so that no claim reads a suspended webhook's backlog.
    /// Any change closes the webhook's breaker: its next message is attempted at once.
    /// </summary>
    public async Task Save(WebhookSubscription subscription, CancellationToken ct)
    {
        session.Store(subscription);
        session.QueueSqlCommand(WebhookSchema.ReleaseBehindBreakerSql, subscription.Id);
        session.QueueSqlCommand(WebhookSchema.ResetBreakerSql, subscription.Id);
        if (subscription.Status == WebhookStatus.Suspended)
        {
            session.QueueSqlCommand(WebhookSchema.ParkSql, subscription.Id);
        }
        else if (subscription.Status == WebhookStatus.Active)
        {
            session.QueueSqlCommand(WebhookSchema.ReleaseParkedSql, subscription.Id);
        }

        await Commit(ct);
    }

    public async Task<bool> Delete(string shipperId, CancellationToken ct)
    {
        if (await session.LoadAsync<WebhookSubscription>(shipperId, ct) is null)
        {
            return false;
        }

        session.Delete<WebhookSubscription>(shipperId);
        session.QueueSqlCommand(WebhookSchema.ResetBreakerSql, shipperId);
        session.QueueSqlCommand($"""
            update {WebhookSchema.Messages} set state = 'FAILED', next_attempt_at = now(), locked_until = null, lock_token = null, last_error = ?
            where shipper_id = ? and state in ('PENDING', 'SENDING')
            """, "The webhook was deleted before this message was delivered.", shipperId);
        await Commit(ct);
        return true;
    }

    public async Task<WebhookBreaker> Breaker(string shipperId, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand(
            $"select failures, open_until, opened_at, open_until <= now() from {WebhookSchema.Breakers} where shipper_id = @shipper", connection);
        command.Parameters.AddWithValue("shipper", shipperId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return WebhookBreaker.Closed;
        }

        var failures = reader.GetInt32(0);
        return reader.IsDBNull(1)
            ? WebhookBreaker.Closed with { ConsecutiveFailures = failures }
            : new WebhookBreaker(reader.GetBoolean(3) ? BreakerStatus.Probing : BreakerStatus.Open, failures,
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(1));
    }

    private async Task Commit(CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            session.EjectAllPendingChanges();
            throw AppError.Conflict("WEBHOOK_CHANGED", "The webhook was changed at the same time by another request.",
                "Read it again (GET /v1/webhook) and retry.");
        }
    }
}
