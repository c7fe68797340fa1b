using System.Text.Json;
using Cargamos.Modular.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>The API with its dispatcher off: the tests run the outbox's claim, sweep and purge themselves.</summary>
public sealed class QuietOutboxFactory : WebhookApiFactory
{
    public QuietOutboxFactory() => Settings["Webhooks:DispatcherEnabled"] = "false";
}

/// <summary>The outbox's costs do not grow with its backlog: the claim reads only due messages; old ones are purged.</summary>
public sealed class WebhookOutboxTests(QuietOutboxFactory api) : IClassFixture<QuietOutboxFactory>
{
    private WebhookOutbox Outbox => api.Services.GetRequiredService<WebhookOutbox>();

    [Fact]
    public async Task The_claim_reads_only_due_claimable_messages_behind_a_backlog_of_60000()
    {
        var (failing, failingClient) = await api.NewShipper();
        await failingClient.Register("http://127.0.0.1:9/failing");
        var (suspended, suspendedClient) = await api.NewShipper();
        await suspendedClient.Register("http://127.0.0.1:9/suspended");
        await suspendedClient.Post("/v1/webhook/suspend");
        var (healthy, healthyClient) = await api.NewShipper();
        await healthyClient.Register("http://127.0.0.1:9/healthy");

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();

        // A day of a failing endpoint: 10,000 shipments with a version retried later and the next one held behind it;
        // 20,000 due messages of a suspended webhook; 20,000 delivered ones.
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, state, attempts, next_attempt_at)
            select gen_random_uuid(), @failing, md5((i % 10000)::text)::uuid, 1 + i / 10000, 'shipment.status_changed', '{}', 'PENDING', 3,
                   now() + interval '1 hour'
            from generate_series(0, 19999) i
            """, ("failing", failing));
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, state, next_attempt_at)
            select gen_random_uuid(), @suspended, 'webhook.test', '{}', 'PENDING', now() - interval '1 minute' from generate_series(1, 20000)
            """, ("suspended", suspended));
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, state, attempts, delivered_at)
            select gen_random_uuid(), @failing, 'webhook.test', '{}', 'DELIVERED', 1, now() from generate_series(1, 20000)
            """, ("failing", failing));

        // Due for the healthy webhook: a test message, a shipment's first version and its second (which must wait).
        var test = Guid.CreateVersion7();
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload) values
                (@test, @healthy, null, null, 'webhook.test', '{}'),
                (@first, @healthy, @shipment, 1, 'shipment.status_changed', '{}'),
                (@second, @healthy, @shipment, 2, 'shipment.status_changed', '{}')
            """, ("test", test), ("first", first), ("second", second), ("healthy", healthy), ("shipment", Guid.NewGuid()));

        Assert.Equal(20000, await Outbox.ParkSuspended(CancellationToken.None));
        await Execute(connection, "analyze cargamos.webhook_messages");

        var plan = await Explain(connection, "explain (format json)");
        var scans = MessageScans(plan);
        Assert.NotEmpty(scans);
        Assert.All(scans, n => Assert.True(n.GetProperty("Node Type").GetString() != "Seq Scan", $"the claim scans webhook_messages sequentially: {plan}"));

        // Run for real (then rolled back): the rows it reads from webhook_messages stay a handful, not the backlog.
        var (read, analyzed) = await ClaimRead(connection);
        Assert.True(read < 50, $"the claim read {read} rows of webhook_messages: {analyzed}");

        var claimed = await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(new[] { first, test }.Order().ToArray(), claimed.Where(m => m.ShipperId == healthy).Select(m => m.Id).Order().ToArray());
        Assert.DoesNotContain(claimed, m => m.ShipperId != healthy);
    }

    [Fact]
    public async Task A_claim_reads_about_as_many_messages_as_it_takes_however_many_are_due()
    {
        // A receiver back after hours down: 10,000 messages due at once (each shipment's first version, oldest first).
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/back");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, state, attempts, next_attempt_at)
            select gen_random_uuid(), @shipper, gen_random_uuid(), 1, 'shipment.status_changed', '{}', 'PENDING', 2,
                   now() - interval '1 hour' + i * interval '1 millisecond'
            from generate_series(1, 10000) i
            """, ("shipper", shipper));
        await Execute(connection, "analyze cargamos.webhook_messages");

        var (read, analyzed) = await ClaimRead(connection);
        Assert.True(read < 400, $"the claim of 32 read {read} rows of webhook_messages: {analyzed}");

        // And takes the earliest due.
        var claimed = await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(32, claimed.Count(m => m.ShipperId == shipper));
        await using var earliest = new NpgsqlCommand("""
            select id from cargamos.webhook_messages where shipper_id = @shipper order by next_attempt_at limit 32
            """, connection);
        earliest.Parameters.AddWithValue("shipper", shipper);
        var expected = new List<Guid>();
        await using (var reader = await earliest.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal(expected.Order(), claimed.Where(m => m.ShipperId == shipper).Select(m => m.Id).Order());

        // The other tests of this class claim from the same outbox: these hour-old messages would come first.
        await Execute(connection, "delete from cargamos.webhook_messages where shipper_id = @shipper", ("shipper", shipper));
    }

    [Fact]
    public async Task A_retry_holds_the_later_versions_of_its_shipment_and_the_delivery_releases_them()
    {
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/hold");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var shipment = Guid.NewGuid();
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload) values
                (@first, @shipper, @shipment, 1, 'shipment.status_changed', '{}'),
                (@second, @shipper, @shipment, 2, 'shipment.status_changed', '{}')
            """, ("first", first), ("second", second), ("shipper", shipper), ("shipment", shipment));

        var claimed = Assert.Single(await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None), m => m.ShipperId == shipper);
        Assert.Equal(first, claimed.Id);
        await Outbox.Record([], [(claimed, Attempt(claimed, 500), TimeSpan.FromHours(1))], CancellationToken.None);
        Assert.True(await NextAttempt(connection, second) > DateTimeOffset.UtcNow.AddMinutes(59), "the second version is not due before the first");

        // The first version delivered early (a redelivery): the second is due at once, and the dispatcher is told.
        await Execute(connection, "update cargamos.webhook_messages set next_attempt_at = now() where id = @first", ("first", first));
        claimed = Assert.Single(await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None), m => m.ShipperId == shipper);
        Assert.True(await Outbox.Delivered([(claimed, Attempt(claimed, 200))], CancellationToken.None));
        Assert.True(await NextAttempt(connection, second) <= DateTimeOffset.UtcNow.AddSeconds(5));
        claimed = Assert.Single(await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None), m => m.ShipperId == shipper);
        Assert.Equal(second, claimed.Id);
        Assert.False(await Outbox.Delivered([(claimed, Attempt(claimed, 200))], CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_records_its_deliveries_and_retries_in_one_go_each_only_while_its_lease_is_held()
    {
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/batch");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();

        // Four shipments' first versions due; the second version of the first and of the third wait behind them.
        var shipments = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var firsts = shipments.Select(_ => Guid.CreateVersion7()).ToArray();
        var held = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        for (var i = 0; i < 4; i++)
        {
            await Execute(connection, """
                insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload) values (@id, @shipper, @shipment, 1, 'shipment.status_changed', '{}')
                """, ("id", firsts[i]), ("shipper", shipper), ("shipment", shipments[i]));
        }

        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload) values
                (@a, @shipper, @s0, 2, 'shipment.status_changed', '{}'), (@b, @shipper, @s2, 2, 'shipment.status_changed', '{}')
            """, ("a", held[0]), ("b", held[1]), ("shipper", shipper), ("s0", shipments[0]), ("s2", shipments[2]));

        var claimed = (await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None)).Where(m => m.ShipperId == shipper).ToDictionary(m => m.Id);
        Assert.Equal(firsts.Order(), claimed.Keys.Order());

        // Delivered: shipments 0 and 1. Retried in an hour: shipment 2, and shipment 3 whose lease was lost meanwhile.
        await Execute(connection, "update cargamos.webhook_messages set lock_token = gen_random_uuid() where id = @id", ("id", firsts[3]));
        var lostDue = await NextAttempt(connection, firsts[3]);
        var waitsAgain = (await Outbox.Record(
            [(claimed[firsts[0]], Attempt(claimed[firsts[0]], 200)), (claimed[firsts[1]], Attempt(claimed[firsts[1]], 200))],
            [(claimed[firsts[2]], Attempt(claimed[firsts[2]], 503), TimeSpan.FromHours(1)), (claimed[firsts[3]], Attempt(claimed[firsts[3]], 500), TimeSpan.FromHours(1))],
            CancellationToken.None)).NextVersionWaits;

        Assert.True(waitsAgain, "the second version of shipment 0 waits for nothing any more");
        Assert.Equal("DELIVERED", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", firsts[0]));
        Assert.Equal("DELIVERED", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", firsts[1]));
        Assert.Equal("PENDING", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", firsts[2]));
        Assert.Equal("HTTP 503", await Scalar<string>(connection, "select last_error from cargamos.webhook_messages where id = @id", firsts[2]));
        Assert.InRange(await NextAttempt(connection, firsts[2]), DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.True(await NextAttempt(connection, held[0]) <= DateTimeOffset.UtcNow.AddSeconds(5), "released by its first version's delivery");
        Assert.True(await NextAttempt(connection, held[1]) >= DateTimeOffset.UtcNow.AddMinutes(59), "held behind its first version's retry");

        // The lost lease: only its attempt is recorded, the message stays the other dispatcher's.
        Assert.Equal("SENDING", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", firsts[3]));
        Assert.Equal(lostDue, await NextAttempt(connection, firsts[3]));
        foreach (var id in firsts)
        {
            Assert.Equal(1L, await Scalar<long>(connection, "select count(*) from cargamos.webhook_attempts where message_id = @id", id));
        }
    }

    [Fact]
    public async Task A_conclusion_after_the_lease_was_lost_records_only_the_attempt_and_a_final_failure_releases_the_next_version()
    {
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/lost");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var shipment = Guid.NewGuid();
        var first = Guid.CreateVersion7();
        var second = Guid.CreateVersion7();
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, next_attempt_at) values
                (@first, @shipper, @shipment, 1, 'shipment.status_changed', '{}', now()),
                (@second, @shipper, @shipment, 2, 'shipment.status_changed', '{}', now() + interval '1 hour')
            """, ("first", first), ("second", second), ("shipper", shipper), ("shipment", shipment));
        var claimed = Assert.Single(await Outbox.Claim(32, TimeSpan.FromMinutes(1), CancellationToken.None), m => m.ShipperId == shipper);
        Assert.Equal(first, claimed.Id);

        // The lease was lost (another dispatcher claimed the message after it expired): this one's conclusions change nothing.
        await Execute(connection, "update cargamos.webhook_messages set lock_token = gen_random_uuid() where id = @first", ("first", first));
        var secondDue = await NextAttempt(connection, second);
        await Outbox.Record([], [(claimed, Attempt(claimed, 500), TimeSpan.FromMinutes(10))], CancellationToken.None);
        Assert.False(await Outbox.Failed(claimed, Attempt(claimed, 500), CancellationToken.None));
        Assert.Equal("SENDING", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", first));
        Assert.Equal(secondDue, await NextAttempt(connection, second));
        Assert.Equal(2L, await Scalar<long>(connection, "select count(*) from cargamos.webhook_attempts where message_id = @id", first));

        // Held again: the last attempt fails the message and makes the next version due at once, saying so.
        await Execute(connection, "update cargamos.webhook_messages set lock_token = @token where id = @first", ("first", first), ("token", claimed.Token));
        Assert.True(await Outbox.Failed(claimed, Attempt(claimed, 500), CancellationToken.None));
        Assert.Equal("FAILED", await Scalar<string>(connection, "select state from cargamos.webhook_messages where id = @id", first));
        Assert.True(await NextAttempt(connection, second) <= DateTimeOffset.UtcNow.AddSeconds(5));
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql, Guid id)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_purge_removes_delivered_and_failed_messages_past_their_retention_with_their_attempts()
    {
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/purge");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();

        // 1,500 delivered 8 days ago (two purge batches), each with two attempts; and the ones that stay.
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, state, attempts, created_at, delivered_at)
            select gen_random_uuid(), @shipper, 'webhook.test', '{}', 'DELIVERED', 2, now() - interval '8 days', now() - interval '8 days'
            from generate_series(1, 1500)
            """, ("shipper", shipper));
        var recentDelivered = Guid.CreateVersion7();
        var recentFailed = Guid.CreateVersion7();
        var oldFailed = Guid.CreateVersion7();
        var oldPending = Guid.CreateVersion7();
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, state, attempts, created_at, next_attempt_at, delivered_at) values
                (@recentDelivered, @shipper, 'webhook.test', '{}', 'DELIVERED', 2, now() - interval '8 days', now() - interval '8 days', now() - interval '6 days'),
                (@recentFailed, @shipper, 'webhook.test', '{}', 'FAILED', 2, now() - interval '40 days', now() - interval '29 days', null),
                (@oldFailed, @shipper, 'webhook.test', '{}', 'FAILED', 2, now() - interval '40 days', now() - interval '31 days', null),
                (@oldPending, @shipper, 'webhook.test', '{}', 'PENDING', 2, now() - interval '40 days', now() + interval '1 hour', null)
            """, ("recentDelivered", recentDelivered), ("recentFailed", recentFailed), ("oldFailed", oldFailed), ("oldPending", oldPending),
            ("shipper", shipper));
        await Execute(connection, """
            insert into cargamos.webhook_attempts (id, message_id, attempted_at, url, http_status, duration_ms, error)
            select gen_random_uuid(), m.id, m.created_at + n * interval '1 minute', 'http://127.0.0.1:9/purge', 500, 3, 'HTTP 500'
            from cargamos.webhook_messages m, generate_series(1, 2) n where m.shipper_id = @shipper
            """, ("shipper", shipper));

        Assert.Equal(1501, await Outbox.Purge(TimeSpan.FromDays(7), TimeSpan.FromDays(30), CancellationToken.None));

        var kept = (await api.Outbox(shipper)).Select(m => m.Id).Order().ToArray();
        Assert.Equal(new[] { recentDelivered, recentFailed, oldPending }.Order().ToArray(), kept);
        Assert.Equal(6L, await Scalar(connection, "select count(*) from cargamos.webhook_attempts where url = 'http://127.0.0.1:9/purge'"));
        var listed = await client.Deliveries();
        Assert.Equal(kept, listed.Select(d => d.GetProperty("id").GetGuid()).Order().ToArray());
        Assert.All(listed, d => Assert.Equal(2, d.GetProperty("attempts").GetArrayLength()));
        Assert.Equal(0, await Outbox.Purge(TimeSpan.FromDays(7), TimeSpan.FromDays(30), CancellationToken.None));
    }

    [Fact]
    public async Task The_backlog_gauges_read_the_claim_indexes_only_each_state_counted_up_to_its_cap()
    {
        var (shipper, client) = await api.NewShipper();
        await client.Register("http://127.0.0.1:9/backlog");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();

        // Beyond the cap: waiting retries and parked messages; and history the gauges must not read (delivered, failed).
        await Execute(connection, """
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, state, attempts, next_attempt_at, delivered_at)
            select gen_random_uuid(), @shipper, 'webhook.test', '{}', s.state, 1, s.next_at, s.delivered_at
            from generate_series(1, 12000) i,
                 (values ('PENDING', now() + interval '1 hour', null::timestamptz), ('PENDING', 'infinity'::timestamptz, null),
                         ('DELIVERED', now(), now()), ('FAILED', now(), null)) as s(state, next_at, delivered_at)
            """, ("shipper", shipper));
        await Execute(connection, "analyze cargamos.webhook_messages");

        await using (var command = new NpgsqlCommand($"explain (analyze, format json) {WebhookBacklog.BacklogSql}", connection))
        {
            var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync())!).RootElement[0].GetProperty("Plan").Clone();
            var scans = MessageScans(plan);
            Assert.NotEmpty(scans);
            Assert.All(scans, n => Assert.True(n.GetProperty("Node Type").GetString() != "Seq Scan", $"the backlog query scans webhook_messages: {plan}"));
            var read = RowsRead(scans);
            Assert.True(read <= 4 * WebhookBacklog.Cap + 100, $"the backlog query read {read} rows of webhook_messages: {plan}");
        }

        var backlog = await api.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookBacklog>().Single().Read(CancellationToken.None);
        Assert.Equal(WebhookBacklog.Cap, backlog.Waiting);
        Assert.Equal(WebhookBacklog.Cap, backlog.Parked);
        Assert.InRange(backlog.Due, 0, WebhookBacklog.Cap);
        Assert.True(backlog.OldestDueSeconds >= 0);
    }

    private static AttemptRecord Attempt(ClaimedMessage message, int status) =>
        new(message.Id, DateTimeOffset.UtcNow, "http://127.0.0.1:9/", status, 1, status == 200 ? null : $"HTTP {status}");

    private static async Task<JsonElement> Explain(NpgsqlConnection connection, string explain, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand($"{explain} {WebhookOutbox.ClaimSql}", connection, transaction);
        command.Parameters.AddWithValue("limit", 32);
        command.Parameters.AddWithValue("lease", NpgsqlDbType.Interval, TimeSpan.FromMinutes(1));
        command.Parameters.AddWithValue("token", Guid.NewGuid());
        var json = (string)(await command.ExecuteScalarAsync())!;
        return JsonDocument.Parse(json).RootElement[0].GetProperty("Plan").Clone();
    }

    /// <summary>The claim run for real inside a transaction rolled back: the rows it read from webhook_messages, and its plan.</summary>
    private static async Task<(double Read, JsonElement Plan)> ClaimRead(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var analyzed = await Explain(connection, "explain (analyze, format json)", transaction);
        await transaction.RollbackAsync();
        return (RowsRead(MessageScans(analyzed)), analyzed);
    }

    /// <summary>The plan's nodes that read webhook_messages.</summary>
    private static List<JsonElement> MessageScans(JsonElement plan) =>
        Nodes(plan).Where(n => n.TryGetProperty("Relation Name", out var r) && r.GetString() == WebhookSchema.MessagesTable).ToList();

    /// <summary>Rows the nodes read (returned or filtered out), over all their loops.</summary>
    private static double RowsRead(IEnumerable<JsonElement> scans) =>
        scans.Sum(n => (n.GetProperty("Actual Rows").GetDouble() + Removed(n)) * n.GetProperty("Actual Loops").GetDouble());

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(Nodes))
            {
                yield return child;
            }
        }
    }

    private static double Removed(JsonElement node) =>
        (node.TryGetProperty("Rows Removed by Filter", out var f) ? f.GetDouble() : 0)
        + (node.TryGetProperty("Rows Removed by Index Recheck", out var r) ? r.GetDouble() : 0);

    private static async Task<DateTimeOffset> NextAttempt(NpgsqlConnection connection, Guid id)
    {
        await using var command = new NpgsqlCommand("select next_attempt_at from cargamos.webhook_messages where id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private static async Task<long> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
