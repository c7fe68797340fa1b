using System.Globalization;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>
/// Breakers that open after 5 failed attempts and probe after 300 ms, then every 600 ms; a retry schedule of 200 ms, then
/// 30 s (so no message runs out of attempts during a test; the schedule spans about 4 minutes).
/// </summary>
public class BreakerFactory : WebhookApiFactory
{
    public BreakerFactory()
        : this(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), threshold: 5)
    {
    }

    protected BreakerFactory(TimeSpan firstProbe, TimeSpan maxProbe, int threshold)
    {
        Settings["Webhooks:BreakerThreshold"] = threshold.ToString(CultureInfo.InvariantCulture);
        Settings["Webhooks:BreakerFirstProbe"] = firstProbe.ToString("c", CultureInfo.InvariantCulture);
        Settings["Webhooks:BreakerMaxProbe"] = maxProbe.ToString("c", CultureInfo.InvariantCulture);
        Settings["Webhooks:RetrySchedule:0"] = "00:00:00.200";
        for (var i = 1; i < TestSchedule.Length; i++)
        {
            Settings[$"Webhooks:RetrySchedule:{i}"] = "00:00:30";
        }
    }
}

/// <summary>As <see cref="BreakerFactory"/>, but the first probe only after ten minutes: nothing but a change to the webhook sends its messages.</summary>
public sealed class LateProbeFactory() : BreakerFactory(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), threshold: 3);

internal static class Breakers
{
    public static async Task<(int Failures, int Opens, DateTimeOffset? OpenUntil)?> Breaker(this WebhookApiFactory api, string shipperId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select failures, opens, open_until from cargamos.webhook_breakers where shipper_id = @s", connection);
        command.Parameters.AddWithValue("s", shipperId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    /// <summary>Attempts recorded for the shipper's messages, per message.</summary>
    public static async Task<Dictionary<Guid, int>> AttemptRows(this WebhookApiFactory api, string shipperId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select m.id, count(a.id)::int from cargamos.webhook_messages m left join cargamos.webhook_attempts a on a.message_id = m.id
            where m.shipper_id = @s group by m.id
            """, connection);
        command.Parameters.AddWithValue("s", shipperId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, int>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return rows;
    }
}

/// <summary>A webhook whose endpoint keeps failing: its breaker stops the attempts, one message probes, a delivery sends the rest.</summary>
public sealed class WebhookBreakerTests(BreakerFactory api) : IClassFixture<BreakerFactory>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    /// <summary>A shipper whose webhook's receiver is down, with six messages: its breaker open after 5 failed attempts.</summary>
    private async Task<(string Key, HttpClient Shipper)> OpenBreaker()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED");
        await receiver.StopAsync();
        for (var i = 0; i < 6; i++)
        {
            await shipper.IntegrateOk();
        }

        await WebhookKit.Until(async () => (await api.Breaker(key))?.OpenUntil is not null, "the breaker open after 5 failed attempts");
        return (key, shipper);
    }

    [Fact]
    public async Task A_failing_endpoint_gets_one_probe_at_a_time_new_messages_wait_unattempted_and_the_first_delivery_sends_them_all()
    {
        var (key, shipper) = await OpenBreaker();
        var before = (await api.Outbox(key)).Select(m => m.Id).ToHashSet();
        for (var i = 0; i < 20; i++)
        {
            await shipper.IntegrateOk();
        }

        // Three probes failed since (each reopens the breaker, the next probe later).
        await WebhookKit.Until(async () => (await api.Breaker(key))?.Opens >= 4, "three more failed probes");

        // The shipper sees it on its webhook.
        var breaker = (await shipper.Get("/v1/webhook")).GetProperty("breaker");
        Assert.Contains(breaker.GetProperty("status").GetString(), new[] { "OPEN", "PROBING" });
        Assert.True(breaker.GetProperty("consecutiveFailures").GetInt32() >= 8, breaker.ToString());
        Assert.True(breaker.GetProperty("nextProbeAt").GetDateTimeOffset() > breaker.GetProperty("openedAt").GetDateTimeOffset(), breaker.ToString());
        var opened = (await api.Outbox(key)).Where(m => !before.Contains(m.Id)).ToList();
        Assert.Equal(20, opened.Count);
        var attempts = await api.AttemptRows(key);

        // Without the breaker each of the 20 would have been attempted at once and again 200 ms later. A probe's failure
        // does not use up its message's schedule: no message has an attempt counted against it since the breaker opened.
        Assert.True(opened.Sum(m => attempts[m.Id]) <= 4, $"attempts of the messages recorded while open: {opened.Sum(m => attempts[m.Id])}");
        Assert.All(opened, m => Assert.Equal(0, m.Attempts));
        Assert.All(await api.Outbox(key), m => Assert.Contains(m.State, new[] { "PENDING", "SENDING" })); // SENDING: a probe in flight

        // The three failed probes are in the attempts log, but none counts against its message's schedule.
        // (A probe in flight has its attempt counted until its failure is recorded, which gives it back.)
        var outbox = await api.Outbox(key);
        var logged = (await api.AttemptRows(key)).Values.Sum();
        var counted = outbox.Sum(m => m.State == "SENDING" ? m.Attempts - 1 : m.Attempts);
        Assert.True(logged - counted >= 3, $"attempts logged {logged}, counted {counted}");

        // The endpoint answers again: the next probe is delivered, the breaker closes, everything waiting goes out once.
        await receiver.RestartAsync();
        await WebhookKit.Until(() => receiver.Delivered.Count == 26, "all 26 messages delivered", TimeSpan.FromSeconds(10));
        await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "all DELIVERED");
        Assert.Null(await api.Breaker(key));
        Assert.Equal(26, receiver.Requests.Count);
        var closed = (await shipper.Get("/v1/webhook")).GetProperty("breaker");
        Assert.Equal("CLOSED", closed.GetProperty("status").GetString());
        Assert.Equal(0, closed.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, closed.GetProperty("nextProbeAt").ValueKind);
    }

    [Fact]
    public async Task A_message_whose_next_attempt_would_be_its_last_probes_without_failing()
    {
        var (key, shipper) = await OpenBreaker();

        // Nine attempts made of the schedule's ten, recorded a minute ago, with the smallest id: the next probe is this one.
        var last = Guid.Parse("00000000-0000-7000-8000-000000000001");
        await api.Execute("""
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, attempts, next_attempt_at, created_at)
            values ($1, $2, 'webhook.test', '{"type":"webhook.test"}', 9, now(), now() - interval '1 minute')
            """, last, key);
        await WebhookKit.Until(async () => (await api.AttemptRows(key)).GetValueOrDefault(last) >= 2, "two probes with it");

        // Its probes failed, but a probe's failure is not its schedule's last attempt: it waits, still at nine attempts.
        var message = (await api.Outbox(key)).Single(m => m.Id == last);
        Assert.Contains(message.State, new[] { "PENDING", "SENDING" });
        Assert.Equal(message.State == "SENDING" ? 10 : 9, message.Attempts);
    }

    [Fact]
    public async Task A_message_held_back_by_a_breaker_longer_than_the_retry_schedule_spans_fails()
    {
        var (key, shipper) = await OpenBreaker();

        // A message recorded a day ago, still waiting: longer than the schedule (about 4 minutes here) spans.
        var old = Guid.NewGuid();
        await api.Execute("""
            insert into cargamos.webhook_messages (id, shipper_id, type, payload, attempts, next_attempt_at, created_at)
            values ($1, $2, 'webhook.test', '{"type":"webhook.test"}', 2, now() + interval '10 minutes', now() - interval '1 day')
            """, old, key);

        // The next failed probe reopens the breaker and fails it; the others (recorded just now) keep waiting.
        await WebhookKit.Until(async () => (await api.Outbox(key)).Single(m => m.Id == old).State == "FAILED", "the old message failed");
        Assert.All((await api.Outbox(key)).Where(m => m.Id != old), m => Assert.Equal("PENDING", m.State));
        var deliveries = await shipper.Deliveries("&status=FAILED");
        Assert.Contains("retry schedule", Assert.Single(deliveries).GetProperty("lastError").GetString());
    }
}

/// <summary>A change to the webhook closes its breaker and sends what waited, without waiting for the probe.</summary>
public sealed class WebhookBreakerResetTests(LateProbeFactory api) : IClassFixture<LateProbeFactory>
{
    [Fact]
    public async Task Moving_the_webhook_closes_its_breaker_and_sends_the_waiting_messages_to_the_new_address_at_once()
    {
        await using var down = await WebhookReceiver.StartAsync();
        await using var moved = await WebhookReceiver.StartAsync();
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(down.Url, "CREATED");
        await down.StopAsync();
        for (var i = 0; i < 4; i++)
        {
            await shipper.IntegrateOk();
        }

        await WebhookKit.Until(async () => (await api.Breaker(key))?.OpenUntil is not null, "the breaker open after 3 failed attempts");
        var before = (await api.Outbox(key)).Select(m => m.Id).ToHashSet();
        for (var i = 0; i < 5; i++)
        {
            await shipper.IntegrateOk();
        }

        // The probe is ten minutes away: nothing recorded since the breaker opened has been attempted.
        var attempts = await api.AttemptRows(key);
        Assert.All(attempts.Where(a => !before.Contains(a.Key)), a => Assert.Equal(0, a.Value));

        using (var put = await shipper.PutWebhook(WebhookKit.Webhook(moved.Url, "CREATED")))
        {
            await put.Data();
        }

        await WebhookKit.Until(() => moved.Delivered.Count == 9, "all nine delivered to the new address", TimeSpan.FromSeconds(10));
        Assert.Null(await api.Breaker(key));
        await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "all DELIVERED");
    }
    [Fact]
    public async Task A_backlog_found_due_behind_an_open_breaker_is_parked_a_few_thousand_rows_per_claim_not_a_batch_per_claim()
    {
        await using var down = await WebhookReceiver.StartAsync();
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(down.Url, "CREATED");
        await down.StopAsync();
        for (var i = 0; i < 4; i++)
        {
            await shipper.IntegrateOk();
        }

        await WebhookKit.Until(async () => (await api.Breaker(key))?.OpenUntil is not null, "the breaker open after 3 failed attempts");
        var openUntil = (await api.Breaker(key))!.Value.OpenUntil!.Value;

        // 12,000 messages due now behind the open breaker (as a backlog recorded before it opened), one shipment each.
        var outbox = api.Services.GetRequiredService<WebhookOutbox>();
        var claims = outbox.Claims;
        await api.Execute("""
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, next_attempt_at)
            select gen_random_uuid(), $1, gen_random_uuid(), 1, 'webhook.test', '{"type":"webhook.test"}', now() from generate_series(1, 12000)
            """, key);
        await api.Execute($"notify {WebhookSchema.Channel}");

        // Parked past the probe time without an attempt, in a few claims (at 128 a claim it would take about 94): the few
        // batches claimed given back an hour from now, the rest parked an hour past the probe time. Waited for as a whole
        // (a batch claimed at that moment is neither due nor parked until it is given back).
        await WebhookKit.Until(async () => await api.Scalar<long>(
            "select count(*) from cargamos.webhook_messages where shipper_id = $1 and type = 'webhook.test' and state = 'PENDING' and attempts = 0 and next_attempt_at > $2", key, openUntil) == 12_000,
            "the backlog parked past the probe time", TimeSpan.FromSeconds(20));
        Assert.True(outbox.Claims - claims < 20, $"{outbox.Claims - claims} claims");
        Assert.Equal(0L, await api.Scalar<long>(
            "select count(*) from cargamos.webhook_attempts a join cargamos.webhook_messages m on m.id = a.message_id where m.shipper_id = $1 and m.type = 'webhook.test'", key));
    }
}
