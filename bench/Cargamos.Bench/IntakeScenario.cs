using System.Net;
using System.Text.Json;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>POST /v1/delivery-orders against the raw INSERT endpoint: closed loop at 1, 8 and 32, then open loop at 50% and 70% of each's own maximum.</summary>
internal static class IntakeScenario
{
    /// <summary>Created shipments (shipmentId, trackingId) of the concurrency-8 run, for the read scenario.</summary>
    public static List<(string ShipmentId, string TrackingId)> Created { get; } = [];

    /// <summary>
    /// Both paths, long enough for tiered compilation to reach its optimized code (methods are recompiled after 30 calls,
    /// in the background, on the same two cores): the runs measure the steady state, not the JIT.
    /// </summary>
    public static async Task WarmUp(Bench bench) => await WarmUntilSettled("intake", async _ =>
    {
        var orders = bench.NewOrders();
        await Load.Closed(WarmUpRequests, 8, async i =>
        {
            using var api = await bench.Shipper.PostAsync("/v1/delivery-orders", Json(orders.Order(i)));
            Check(api, HttpStatusCode.Created);
            using var raw = await bench.Baseline.Client.PostAsync("/baseline/orders", Json(orders.Order(i)));
            Check(raw, HttpStatusCode.Created);
            using var read = await bench.Baseline.Client.GetAsync($"/baseline/orders/{Guid.NewGuid()}");
        });
    }, bench.Options.Quick ? TimeSpan.FromSeconds(10) : null);

    private const int WarmUpRequests = 1_000;

    public static async Task ClosedLoop(Bench bench)
    {
        foreach (var concurrency in new[] { 1, 8, 32 })
        {
            var count = concurrency == 1 ? bench.Options.SerialRequests : bench.Options.Requests;
            var (api, answers) = await Api(bench, count, concurrency);
            var raw = await Raw(bench, count, concurrency);
            bench.IntakeMax = Math.Max(bench.IntakeMax, api.Rate);
            // The raw endpoint's open-loop rates are fractions of its rate at the highest concurrency: its throughput falls
            // as concurrency grows (one-row inserts into one table from 32 backends on 2 cores), and an open loop near
            // capacity queues that many requests and more; at half its c=8 peak its queue grew without bound (p50 of
            // seconds), which measured nothing and left thousands of requests' threads and memory to the scenarios after.
            bench.RawMax = raw.Rate;
            var ratio = api.Rate / raw.Rate;
            if (concurrency == 8)
            {
                bench.IntakeC8 = api;
                bench.RawC8 = raw;
                foreach (var answer in answers.Take(1_000))
                {
                    var data = JsonDocument.Parse(answer).RootElement.GetProperty("data");
                    Created.Add((data.GetProperty("shipmentId").GetString()!, data.GetProperty("trackingId").GetString()!));
                }
            }

            bench.Add(new Row($"intake `POST /v1/delivery-orders` c={concurrency}", Ratio(ratio), Bench.Load(api), Bench.Load(raw),
                concurrency == 8 ? ">= 0.5x" : "", concurrency == 8 ? Met(ratio >= 0.5) : ""));
        }
    }

    public static async Task OpenLoop(Bench bench)
    {
        var duration = TimeSpan.FromSeconds(bench.Options.OpenSeconds);
        foreach (var fraction in new[] { 0.5, 0.7 })
        {
            var apiRate = bench.IntakeMax * fraction;
            var rawRate = bench.RawMax * fraction;
            var orders = bench.NewOrders();
            var apiBodies = Bodies(orders, (int)(apiRate * duration.TotalSeconds) + 1);
            var shed = 0;
            var api = await Load.Open(apiRate, duration, async i =>
            {
                using var response = await bench.Shipper.PostAsync("/v1/delivery-orders", Json(apiBodies[i]));
                if (!Shed(response, ref shed))
                {
                    Check(response, HttpStatusCode.Created);
                }
            });
            var rawBodies = Bodies(bench.NewOrders(), (int)(rawRate * duration.TotalSeconds) + 1);
            var raw = await Load.Open(rawRate, duration, async i =>
            {
                using var response = await bench.Baseline.Client.PostAsync("/baseline/orders", Json(rawBodies[i]));
                Check(response, HttpStatusCode.Created);
            });
            var percent = (int)(fraction * 100);
            bench.Add(new Row($"intake open loop {percent}% of max", Ratio(api.P99 / raw.P99) + " p99",
                $"{api.Rate:N0} req/s, p50 {Ms(api.P50)}, p99 {Ms(api.P99)}, max {Ms(api.Max)}{(api.Cpu is { } a ? "; " + a.Pauses : "")}{ShedNote(shed)}",
                $"{raw.Rate:N0} req/s, p50 {Ms(raw.P50)}, p99 {Ms(raw.P99)}, max {Ms(raw.Max)}{(raw.Cpu is { } r ? "; " + r.Pauses : "")}",
                fraction == 0.7 ? "p99 <= 25 ms" : "", fraction == 0.7 ? Met(api.P99 <= 25 && shed == 0) : ""));
        }
    }

    public static string[] Bodies(OrderFile orders, int count) => Enumerable.Range(0, count).Select(orders.Order).ToArray();

    /// <summary>Intake through the API, closed loop; the answers' bodies.</summary>
    public static async Task<(LoadResult Result, string[] Answers)> Api(Bench bench, int count, int concurrency)
    {
        var bodies = Bodies(bench.NewOrders(), count);
        var answers = new string[count];
        var result = await Load.Closed(count, concurrency, async i =>
        {
            using var response = await bench.Shipper.PostAsync("/v1/delivery-orders", Json(bodies[i]));
            Check(response, HttpStatusCode.Created);
            answers[i] = await response.Content.ReadAsStringAsync();
        });
        return (result, answers);
    }

    public static async Task<LoadResult> Raw(Bench bench, int count, int concurrency)
    {
        var bodies = Bodies(bench.NewOrders(), count);
        var answers = new string[count];
        return await Load.Closed(count, concurrency, async i =>
        {
            using var response = await bench.Baseline.Client.PostAsync("/baseline/orders", Json(bodies[i]));
            Check(response, HttpStatusCode.Created);
            answers[i] = await response.Content.ReadAsStringAsync();
        });
    }
}
