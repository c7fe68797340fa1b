using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Application.Webhooks.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>The deliveries API over the outbox tables (plain SQL).</summary>
internal sealed class WebhookDeliveriesStore(WebhookDatabase database) : IWebhookDeliveries
{
    private static readonly string Columns =
        "m.id, m.type, m.shipment_id, m.version, m.state, m.created_at, " +
        // A parked message (its webhook suspended) has no next attempt until the resume.
        "case when m.next_attempt_at = 'infinity' then null else m.next_attempt_at end, m.delivered_at, m.last_error, m.payload::text";

    public async Task<WebhookDelivery> Enqueue(string shipperId, WebhookMessage message, CancellationToken ct)
    {
        await using (var connection = await database.Open(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            var insert = new NpgsqlBatchCommand($"insert into {WebhookSchema.Messages} (id, shipper_id, type, payload) values (@id, @shipper, @type, @payload::json)");
            insert.Parameters.AddWithValue("id", message.Id);
            insert.Parameters.AddWithValue("shipper", shipperId);
            insert.Parameters.AddWithValue("type", message.Type);
            insert.Parameters.AddWithValue("payload", message.Body);
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"notify {WebhookSchema.Channel}"));
            await batch.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }

        return await Get(shipperId, message.Id, ct) ?? throw new InvalidOperationException($"Message {message.Id} vanished after it was recorded.");
    }

    public async Task<IReadOnlyList<WebhookDelivery>> List(string shipperId, DeliveryStatus? status, Guid? before, int limit, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"""
            select {Columns} from {WebhookSchema.Messages} m
            where m.shipper_id = @shipper and (@state::varchar is null or m.state = @state) and (@before::uuid is null or m.id < @before)
            order by m.id desc
            limit @limit
            """, connection);
        command.Parameters.AddWithValue("shipper", shipperId);
        command.Parameters.AddWithValue("state", NpgsqlDbType.Varchar, status is { } s ? Code(s) : DBNull.Value);
        command.Parameters.AddWithValue("before", NpgsqlDbType.Uuid, before is { } b ? b : DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await Read(connection, command, ct);
    }

    public async Task<WebhookDelivery?> Get(string shipperId, Guid id, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"select {Columns} from {WebhookSchema.Messages} m where m.shipper_id = @shipper and m.id = @id", connection);
        command.Parameters.AddWithValue("shipper", shipperId);
        command.Parameters.AddWithValue("id", id);
        return (await Read(connection, command, ct)).SingleOrDefault();
    }

    public async Task<bool> Redeliver(string shipperId, Guid id, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var update = new NpgsqlBatchCommand($"""
            update {WebhookSchema.Messages}
            set state = 'PENDING', attempts = 0, next_attempt_at = now(), locked_until = null, lock_token = null, delivered_at = null, last_error = null
            where shipper_id = @shipper and id = @id and not (state = 'SENDING' and locked_until >= now())
            """);
        update.Parameters.AddWithValue("shipper", shipperId);
        update.Parameters.AddWithValue("id", id);
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"notify {WebhookSchema.Channel}"));
        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return update.RecordsAffected == 1;
    }

    private static async Task<IReadOnlyList<WebhookDelivery>> Read(NpgsqlConnection connection, NpgsqlCommand command, CancellationToken ct)
    {
        var messages = new List<WebhookDelivery>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var status = Enum.Parse<DeliveryStatus>(reader.GetString(4), ignoreCase: true);
                messages.Add(new WebhookDelivery(
                    reader.GetGuid(0), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetGuid(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    status,
                    reader.GetFieldValue<DateTimeOffset>(5),
                    status == DeliveryStatus.Pending && !reader.IsDBNull(6) ? reader.GetFieldValue<DateTimeOffset>(6) : null,
                    reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.GetString(9),
                    []));
            }
        }

        if (messages.Count == 0)
        {
            return messages;
        }

        await using var attemptsCommand = new NpgsqlCommand($"""
            select message_id, attempted_at, http_status, duration_ms, error from {WebhookSchema.Attempts}
            where message_id = any(@ids) order by attempted_at, id
            """, connection);
        attemptsCommand.Parameters.AddWithValue("ids", messages.Select(m => m.Id).ToArray());
        var attempts = new Dictionary<Guid, List<DeliveryAttempt>>();
        await using (var reader = await attemptsCommand.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var messageId = reader.GetGuid(0);
                if (!attempts.TryGetValue(messageId, out var list))
                {
                    attempts[messageId] = list = [];
                }

                list.Add(new DeliveryAttempt(reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        return messages.Select(m => m with { Attempts = attempts.GetValueOrDefault(m.Id) ?? [] }).ToList();
    }

    private static string Code(DeliveryStatus status) => status.ToString().ToUpperInvariant();
}
