using Npgsql;
using NpgsqlTypes;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>A message claimed by this dispatcher for one attempt; <see cref="Token"/> fences its outcome against a lease taken over.</summary>
internal sealed record ClaimedMessage(Guid Id, string ShipperId, string Type, string Payload, int Attempts, Guid Token);

/// <summary>One HTTP attempt as recorded in <c>webhook_attempts</c>.</summary>
internal sealed record AttemptRecord(Guid MessageId, DateTimeOffset AttemptedAt, string Url, int? HttpStatus, int DurationMs, string? Error);

/// <summary>
/// The consuming half of the outbox, in plain SQL. A claim takes due messages with <c>FOR UPDATE SKIP LOCKED</c> and leases
/// them (state SENDING until <c>locked_until</c>), so concurrent dispatchers of several API instances never hold the same
/// message; a lease that expires (its process died mid-attempt) makes the message claimable again. Per (shipper,
/// shipment) only the earliest undelivered version is claimable, so a shipment's messages go out in version order.
/// </summary>
internal sealed class WebhookOutbox(WebhookDatabase database)
{
    private static readonly string ClaimSql = $"""
        with due as (
            select m.id
            from {WebhookSchema.Messages} m
            join {WebhookSchema.Subscriptions} s on s.id = m.shipper_id and s.data ->> 'status' = 'Active'
            where ((m.state = 'PENDING' and m.next_attempt_at <= now()) or (m.state = 'SENDING' and m.locked_until < now()))
              and (m.shipment_id is null or not exists (
                    select 1 from {WebhookSchema.Messages} earlier
                    where earlier.shipper_id = m.shipper_id and earlier.shipment_id = m.shipment_id
                      and earlier.state in ('PENDING', 'SENDING') and earlier.version < m.version))
            order by m.next_attempt_at, m.id
            limit @limit
            for update of m skip locked)
        update {WebhookSchema.Messages} m
        set state = 'SENDING', locked_until = now() + @lease, lock_token = @token, attempts = m.attempts + 1
        from due
        where m.id = due.id
        returning m.id, m.shipper_id, m.type, m.payload::text, m.attempts
        """;

    private static readonly string InsertAttemptSql = $"""
        insert into {WebhookSchema.Attempts} (id, message_id, attempted_at, url, http_status, duration_ms, error)
        values (@id, @message, @at, @url, @status, @duration, @error)
        """;

    public async Task<IReadOnlyList<ClaimedMessage>> Claim(int limit, TimeSpan lease, CancellationToken ct)
    {
        var token = Guid.NewGuid();
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand(ClaimSql, connection);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("lease", NpgsqlDbType.Interval, lease);
        command.Parameters.AddWithValue("token", token);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<ClaimedMessage>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), token));
        }

        return claimed;
    }

    public Task Delivered(ClaimedMessage message, AttemptRecord attempt, CancellationToken ct) =>
        Conclude(message, attempt, """
            update {0} set state = 'DELIVERED', delivered_at = now(), locked_until = null, lock_token = null, last_error = null
            where id = @message and lock_token = @token
            """, null, ct);

    public Task RetryLater(ClaimedMessage message, AttemptRecord attempt, TimeSpan delay, CancellationToken ct) =>
        Conclude(message, attempt, """
            update {0} set state = 'PENDING', next_attempt_at = now() + @delay, locked_until = null, lock_token = null, last_error = @error
            where id = @message and lock_token = @token
            """, delay, ct);

    public Task Failed(ClaimedMessage message, AttemptRecord attempt, CancellationToken ct) =>
        Conclude(message, attempt, """
            update {0} set state = 'FAILED', locked_until = null, lock_token = null, last_error = @error
            where id = @message and lock_token = @token
            """, null, ct);

    /// <summary>
    /// Fails the waiting messages of webhooks that were disabled or deleted. Disabling and deleting fail them in their own
    /// transaction, but a command committing at that very moment may still have recorded one against the webhook as it was.
    /// </summary>
    public async Task<int> FailOrphans(CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {WebhookSchema.Messages} m
            set state = 'FAILED', locked_until = null, lock_token = null,
                last_error = coalesce(s.data ->> 'disabledReason', 'The webhook was deleted before this message was delivered.')
            from {WebhookSchema.Messages} o
            left join {WebhookSchema.Subscriptions} s on s.id = o.shipper_id
            where m.id = o.id and o.state = 'PENDING' and (s.id is null or s.data ->> 'status' = 'Disabled')
            """, connection);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Gives a claimed message back without an attempt (shutdown, or the webhook stopped being active meanwhile).</summary>
    public async Task Release(ClaimedMessage message, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {WebhookSchema.Messages} set state = 'PENDING', attempts = greatest(attempts - 1, 0), locked_until = null, lock_token = null
            where id = @message and lock_token = @token
            """, connection);
        command.Parameters.AddWithValue("message", message.Id);
        command.Parameters.AddWithValue("token", message.Token);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The attempt is recorded whatever happens; the message's outcome only if this dispatcher still holds its lease.</summary>
    private async Task Conclude(ClaimedMessage message, AttemptRecord attempt, string updateSql, TimeSpan? delay, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(AttemptCommand(attempt));
        var update = new NpgsqlBatchCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, updateSql, WebhookSchema.Messages));
        update.Parameters.AddWithValue("message", message.Id);
        update.Parameters.AddWithValue("token", message.Token);
        if (updateSql.Contains("@error", StringComparison.Ordinal))
        {
            update.Parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)attempt.Error ?? DBNull.Value);
        }
        if (delay is { } d)
        {
            update.Parameters.AddWithValue("delay", NpgsqlDbType.Interval, d);
        }

        batch.BatchCommands.Add(update);
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }

    internal static NpgsqlBatchCommand AttemptCommand(AttemptRecord attempt)
    {
        var command = new NpgsqlBatchCommand(InsertAttemptSql);
        AddAttemptParameters(command.Parameters, attempt);
        return command;
    }

    internal static string AttemptSqlForMarten =>
        $"insert into {WebhookSchema.Attempts} (id, message_id, attempted_at, url, http_status, duration_ms, error) values (?, ?, ?, ?, ?, ?, ?)";

    private static void AddAttemptParameters(NpgsqlParameterCollection parameters, AttemptRecord attempt)
    {
        parameters.AddWithValue("id", Guid.CreateVersion7());
        parameters.AddWithValue("message", attempt.MessageId);
        parameters.AddWithValue("at", attempt.AttemptedAt);
        parameters.AddWithValue("url", attempt.Url);
        parameters.AddWithValue("status", NpgsqlDbType.Integer, (object?)attempt.HttpStatus ?? DBNull.Value);
        parameters.AddWithValue("duration", attempt.DurationMs);
        parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)attempt.Error ?? DBNull.Value);
    }
}
