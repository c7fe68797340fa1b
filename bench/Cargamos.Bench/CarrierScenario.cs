using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>
/// Carrier status updates (PATCH /tracking/hook/{carrierId}/{serviceId}, a carrier token from POST /token) at concurrency 8,
/// against one INSERT of the same body. Each worker walks its own shipments PENDING, ASSIGNED, PICKED, ON_ROUTE, DELIVERED:
/// every update is a valid transition.
/// </summary>
internal static class CarrierScenario
{
    private const int Concurrency = 8;

    private static readonly Dictionary<string, string> Keys = new()
    {
        ["servientrega-50461c9f3335"] = "db5a3cecfef9cb0a9815af7c2eb8f7d6:c400460c165cc9beb146ad4d757e3bb1a24ff15228c424a0bd7c37f0ac356c0f6230568705d93dd6ff68190c0eafe5a74cbb14229748f20d3e53cbcc790ba372",
        ["627eb3b93a19fdc0cf5fe087"] = "bluexpress-demo-key",
    };

    private static readonly string[] Walk =
    [
        """{"status":"PENDING"}""",
        """{"status":"ASSIGNED","agent":{"id":"pedro1","name":"Pedro","vehicle":"SCOOTER"},"trackingUrl":"https://localhost.com"}""",
        """{"status":"PICKED"}""",
        """{"status":"ON_ROUTE"}""",
        """{"status":"DELIVERED"}""",
    ];

    public static async Task Run(Bench bench)
    {
        var carriers = new Dictionary<string, HttpClient>();
        foreach (var (carrierId, key) in Keys)
        {
            var client = bench.Api.CreateClient();
            using var token = await client.PostAsync("/token", Json(JsonSerializer.Serialize(new { apiKey = key })));
            Check(token, HttpStatusCode.OK);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetString());
            carriers[carrierId] = client;
        }

        // Warm-up (as intake's): rounds of 1,000 updates of shipments of their own on both paths until the JIT has settled,
        // so that the runs measure the carrier path's optimized code, not its tiered compilations.
        await WarmUntilSettled("carrier", async _ =>
        {
            var warmUp = await Shipments(bench, WarmUpRequests / Walk.Length);
            await Walked(warmUp, (carrier, trackingId, body) => carriers[carrier].PatchAsync($"/tracking/hook/{carrier}/{trackingId}", Json(body)));
            await Walked(warmUp, (carrier, trackingId, body) => bench.Baseline.Client.PatchAsync($"/baseline/hook/{carrier}/{trackingId}", Json(body)));
        }, bench.Options.Quick ? TimeSpan.FromSeconds(10) : null);

        var shipments = await Shipments(bench, Math.Max(1, bench.Options.Requests / Walk.Length / Concurrency) * Concurrency);
        var api = await Walked(shipments, (carrier, trackingId, body) => carriers[carrier].PatchAsync($"/tracking/hook/{carrier}/{trackingId}", Json(body)));
        var raw = await Walked(shipments, (carrier, trackingId, body) => bench.Baseline.Client.PatchAsync($"/baseline/hook/{carrier}/{trackingId}", Json(body)));
        var ratio = api.Rate / raw.Rate;
        bench.Add(new Row("carrier update `PATCH /tracking/hook/…` c=8", Ratio(ratio), Bench.Load(api), Bench.Load(raw), ">= 0.5x", Met(ratio >= 0.5)));
    }

    private const int WarmUpRequests = 1_000;

    /// <summary>New shipments for the walk, a multiple of the concurrency; each one's carrier from its tracking document.</summary>
    private static async Task<List<(string Carrier, string TrackingId)>> Shipments(Bench bench, int count)
    {
        count = Math.Max(1, count / Concurrency) * Concurrency;
        var shipments = new List<(string Carrier, string TrackingId)>();
        foreach (var (_, trackingId) in await TrackingScenario.Create(bench, count))
        {
            var tracking = (await bench.Shipper.GetFromJsonAsync<JsonElement>($"/v1/shipment-tracking/{trackingId}")).GetProperty("data");
            shipments.Add((tracking.GetProperty("carrierId").GetString()!, trackingId));
        }

        return shipments;
    }

    /// <summary>Every shipment walked through the five steps at concurrency 8: request i of worker w (i = w + 8k) is step k % 5 of that worker's shipment w + 8 (k / 5).</summary>
    private static Task<LoadResult> Walked(List<(string Carrier, string TrackingId)> shipments, Func<string, string, string, Task<HttpResponseMessage>> patch) =>
        Load.Closed(shipments.Count * Walk.Length, Concurrency, async i =>
        {
            var (worker, k) = (i % Concurrency, i / Concurrency);
            var (carrier, trackingId) = shipments[worker + Concurrency * (k / Walk.Length)];
            using var response = await patch(carrier, trackingId, Walk[k % Walk.Length]);
            Check(response, HttpStatusCode.OK);
            await response.Content.ReadAsStringAsync();
        });
}
