using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>Webhook lag (201 to receipt at a receiver in this process) and intake with a backlog of undelivered messages.</summary>
internal static class WebhookScenarios
{
    /// <summary>Orders at 50% of the intake maximum, open loop, with a webhook for CREATED: lag from each 201 to its message's receipt.</summary>
    public static async Task Lag(Bench bench)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Register(bench, receiver.Url);
        var rate = Math.Max(1, bench.IntakeMax * 0.5);
        var duration = TimeSpan.FromSeconds(bench.Options.OpenSeconds);
        var bodies = IntakeScenario.Bodies(bench.NewOrders(), (int)(rate * duration.TotalSeconds) + 1);
        var created = new (string? Id, long At)[bodies.Length];
        var shed = 0;
        var api = await Load.Open(rate, duration, async i =>
        {
            using var response = await bench.Shipper.PostAsync("/v1/delivery-orders", Json(bodies[i]));
            var at = Stopwatch.GetTimestamp();
            if (Shed(response, ref shed))
            {
                return;
            }

            Check(response, HttpStatusCode.Created);
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            created[i] = (answer.RootElement.GetProperty("data").GetProperty("shipmentId").GetString()!, at);
        });

        var sent = created.Take(api.Count).Where(c => c.Id is not null).Select(c => (Id: c.Id!, c.At)).ToArray();
        var deadline = Stopwatch.StartNew();
        while (sent.Any(c => !receiver.Received.ContainsKey(c.Id)) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        var lags = sent.Where(c => receiver.Received.ContainsKey(c.Id))
            .Select(c => Stopwatch.GetElapsedTime(c.At, receiver.Received[c.Id]).TotalMilliseconds).ToArray();
        var missing = sent.Length - lags.Length;
        var lag = new LoadResult(lags.Length, TimeSpan.FromSeconds(1), lags);
        bench.Add(new Row("webhook lag, 201 to receipt, 50% load", "n/a",
            $"p50 {Ms(lag.P50)}, p99 {Ms(lag.P99)} ({lags.Length:N0} messages at {api.Rate:N0} orders/s{(missing > 0 ? $"; {missing} not received in 30 s" : "")}{ShedNote(shed)})",
            "none (no raw equivalent)", "p99 <= 500 ms", Met(missing == 0 && shed == 0 && lag.P99 <= 500)));
    }

    /// <summary>
    /// Intake at concurrency 8 with the shipper's webhook receiver down (a closed port: every attempt refused), before and
    /// after one INSERT of <see cref="BenchOptions.Backlog"/> undelivered messages for that shipper as a day of that outage
    /// leaves them (PENDING, several attempts made, next attempts spread over the coming hour): nothing on the write path,
    /// and no claim, may read them. New orders' messages are attempted and refused in both runs alike.
    /// </summary>
    public static async Task Backlog(Bench bench)
    {
        await Register(bench, WebhookReceiver.ClosedPortUrl());
        var count = bench.Options.Requests;
        await using var data = NpgsqlDataSource.Create(bench.ConnectionString);
        string? shipper = null;

        // Three rounds of (without, with): two runs of a few seconds each differ by ±15% on this machine whatever the
        // backlog, so one pair is noise; the medians of three are the measurement.
        var without = new List<LoadResult>();
        var with = new List<LoadResult>();
        for (var round = 0; round < 3; round++)
        {
            without.Add((await IntakeScenario.Api(bench, count, 8)).Result);
            if (shipper is null)
            {
                await using var find = data.CreateCommand("select shipper_id from cargamos.webhook_messages limit 1");
                shipper = (string)(await find.ExecuteScalarAsync() ?? throw new InvalidOperationException("No webhook message to take the shipper from."));
            }

            var watch = Stopwatch.StartNew();
            await Execute(data, """
                insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, attempts, next_attempt_at, last_error)
                select gen_random_uuid(), $1, gen_random_uuid(), 1, 'bench.backlog',
                       json_build_object('type', 'shipment.status_changed', 'data', json_build_object('state', 'CREATED', 'n', n)),
                       5, now() + interval '1 minute' + random() * interval '1 hour', 'Connection refused'
                from generate_series(1, $2) n;
                """, shipper, bench.Options.Backlog);
            await Execute(data, "analyze cargamos.webhook_messages");
            Console.WriteLine($"  backlog: {bench.Options.Backlog:N0} undelivered messages inserted in {watch.Elapsed.TotalSeconds:F1} s (round {round + 1} of 3)");
            with.Add((await IntakeScenario.Api(bench, count, 8)).Result);
            await Execute(data, "delete from cargamos.webhook_messages where type = 'bench.backlog'");
            await Execute(data, "analyze cargamos.webhook_messages");
        }

        var before = Median(without);
        var after = Median(with);
        var ratio = after.Rate / before.Rate;
        bench.Add(new Row($"intake c=8 with {bench.Options.Backlog:N0}-message webhook backlog", Ratio(ratio) + " of no backlog",
            $"{Bench.Load(after)} (no backlog: {Bench.Load(before)}; medians of 3 alternated runs each)", bench.RawC8 is { } raw ? Bench.Load(raw) : "",
            ">= 0.9x", Met(ratio >= 0.9)));
    }

    private static LoadResult Median(List<LoadResult> runs) => runs.OrderBy(r => r.Rate).ElementAt(runs.Count / 2);

    private static async Task Execute(NpgsqlDataSource data, string sql, params object[] parameters)
    {
        await using var command = data.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A receiver that was down answers again: <see cref="BenchOptions.Recovery"/> messages wait for their next retry (as
    /// an outage leaves them: three attempts made, the next one up to an hour away, one shipment each), and one retry is
    /// due now. Its delivery tells the dispatcher the endpoint is back, the waiting messages are made due at once, and the
    /// time until the receiver has every message is the drain time.
    /// </summary>
    public static async Task Recovery(Bench bench)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await Register(bench, receiver.Url);
        var count = bench.Options.Recovery;
        await using var data = NpgsqlDataSource.Create(bench.ConnectionString);
        var shipper = await ShipperOfTheBench(data, receiver.Url);
        await using (var insert = data.CreateCommand("""
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload, attempts, next_attempt_at, last_error)
            select gen_random_uuid(), $1, s.id, 1, 'shipment.status_changed',
                   json_build_object('type', 'shipment.status_changed', 'data', json_build_object('shipmentId', s.id, 'state', 'CREATED')),
                   3, case when s.n = 0 then now() else now() + interval '1 minute' + random() * interval '1 hour' end, 'Connection refused'
            from (select n, gen_random_uuid() as id from generate_series(0, $2) n) s
            """))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = shipper });
            insert.Parameters.Add(new NpgsqlParameter { Value = count });
            insert.CommandTimeout = 300;
            await insert.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        await using (var notify = data.CreateCommand("select pg_notify('cargamos_webhooks', '')"))
        {
            await notify.ExecuteNonQueryAsync();
        }

        while (receiver.Received.Count < count + 1 && watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(50);
        }

        var drained = watch.Elapsed;
        var received = receiver.Received.Count;
        Console.WriteLine($"  recovery: {received:N0} of {count + 1:N0} messages received in {drained.TotalSeconds:F1} s");
        bench.Add(new Row($"webhook recovery, {count:N0} waiting messages", "n/a",
            $"drained in {drained.TotalSeconds:F1} s ({received / drained.TotalSeconds:N0} messages/s{(received < count + 1 ? $"; {count + 1 - received:N0} missing after 3 min" : "")})",
            "none (no raw equivalent)", count >= 20_000 ? "20,000 in < 60 s" : "", Met(received == count + 1 && (count < 20_000 || drained < TimeSpan.FromMinutes(1)))));
    }

    private static async Task<string> ShipperOfTheBench(NpgsqlDataSource data, string url)
    {
        await using var find = data.CreateCommand("select id from cargamos.mt_doc_webhook_subscription where data ->> 'url' = $1");
        find.Parameters.Add(new NpgsqlParameter { Value = url });
        return (string)(await find.ExecuteScalarAsync() ?? throw new InvalidOperationException("No webhook registered."));
    }

    private static async Task Register(Bench bench, string url)
    {
        using var response = await bench.Shipper.PutAsync("/v1/webhook", Json(JsonSerializer.Serialize(new { url, states = new[] { "CREATED" }, description = "bench" })));
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            Check(response, HttpStatusCode.Created);
        }
    }
}
