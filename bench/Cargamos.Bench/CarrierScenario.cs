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

        // Shipments for the walk, a multiple of the concurrency; each one's carrier from its tracking document.
        var shipmentCount = Math.Max(1, bench.Options.Requests / Walk.Length / Concurrency) * Concurrency;
        var shipments = new List<(string Carrier, string TrackingId)>();
        foreach (var (_, trackingId) in await TrackingScenario.Create(bench, shipmentCount))
        {
            var tracking = (await bench.Shipper.GetFromJsonAsync<JsonElement>($"/v1/shipment-tracking/{trackingId}")).GetProperty("data");
            shipments.Add((tracking.GetProperty("carrierId").GetString()!, trackingId));
        }

        // Request i of worker w (i = w + 8k) is step k % 5 of that worker's shipment w + 8 (k / 5).
        var total = shipmentCount * Walk.Length;
        (string Carrier, string TrackingId, string Body) Update(int i)
        {
            var (worker, k) = (i % Concurrency, i / Concurrency);
            var shipment = shipments[worker + Concurrency * (k / Walk.Length)];
            return (shipment.Carrier, shipment.TrackingId, Walk[k % Walk.Length]);
        }

        var api = await Load.Closed(total, Concurrency, async i =>
        {
            var (carrier, trackingId, body) = Update(i);
            using var response = await carriers[carrier].PatchAsync($"/tracking/hook/{carrier}/{trackingId}", Json(body));
            Check(response, HttpStatusCode.OK);
            await response.Content.ReadAsStringAsync();
        });
        var raw = await Load.Closed(total, Concurrency, async i =>
        {
            var (carrier, trackingId, body) = Update(i);
            using var response = await bench.Baseline.Client.PatchAsync($"/baseline/hook/{carrier}/{trackingId}", Json(body));
            Check(response, HttpStatusCode.OK);
            await response.Content.ReadAsStringAsync();
        });
        var ratio = api.Rate / raw.Rate;
        bench.Add(new Row("carrier update `PATCH /tracking/hook/…` c=8", Ratio(ratio), Bench.Load(api), Bench.Load(raw), ">= 0.5x", Met(ratio >= 0.5)));
    }
}
