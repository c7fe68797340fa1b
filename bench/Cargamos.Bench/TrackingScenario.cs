using System.Net;
using System.Text.Json;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>GET /v1/shipment-tracking/{trackingId} at concurrency 8 against one SELECT by id of the same tracking document.</summary>
internal static class TrackingScenario
{
    public static async Task Run(Bench bench)
    {
        var shipments = IntakeScenario.Created.Count > 0 ? IntakeScenario.Created : await Create(bench, 200);

        // The baseline serves the very documents the API answers, stored as jsonb under the shipment's id.
        foreach (var (shipmentId, trackingId) in shipments)
        {
            using var response = await bench.Shipper.GetAsync($"/v1/shipment-tracking/{trackingId}");
            Check(response, HttpStatusCode.OK);
            var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetRawText();
            await Baseline.Insert(bench.Baseline.Data, Guid.Parse(shipmentId), data);
        }

        // Warm-up (as intake's): rounds of 2,000 reads on both paths until the JIT has settled.
        await WarmUntilSettled("tracking", async _ =>
        {
            await Load.Closed(2_000, 8, async i =>
            {
                using var api = await bench.Shipper.GetAsync($"/v1/shipment-tracking/{shipments[i % shipments.Count].TrackingId}");
                Check(api, HttpStatusCode.OK);
                using var raw = await bench.Baseline.Client.GetAsync($"/baseline/orders/{shipments[i % shipments.Count].ShipmentId}");
                Check(raw, HttpStatusCode.OK);
            });
        }, bench.Options.Quick ? TimeSpan.FromSeconds(10) : null);

        var count = bench.Options.Requests * 2;
        var api = await Load.Closed(count, 8, async i =>
        {
            using var response = await bench.Shipper.GetAsync($"/v1/shipment-tracking/{shipments[i % shipments.Count].TrackingId}");
            Check(response, HttpStatusCode.OK);
            await response.Content.ReadAsStringAsync();
        });
        var raw = await Load.Closed(count, 8, async i =>
        {
            using var response = await bench.Baseline.Client.GetAsync($"/baseline/orders/{shipments[i % shipments.Count].ShipmentId}");
            Check(response, HttpStatusCode.OK);
            await response.Content.ReadAsStringAsync();
        });
        var ratio = api.Rate / raw.Rate;
        bench.Add(new Row("tracking read `GET /v1/shipment-tracking/{id}` c=8", Ratio(ratio), Bench.Load(api), Bench.Load(raw),
            ">= 0.8x, p99 <= 5 ms", Met(ratio >= 0.8 && api.P99 <= 5)));
    }

    /// <summary>Shipments created through the API: (shipmentId, trackingId).</summary>
    public static async Task<List<(string ShipmentId, string TrackingId)>> Create(Bench bench, int count)
    {
        var (_, answers) = await IntakeScenario.Api(bench, count, 8);
        return answers.Select(a => JsonDocument.Parse(a).RootElement.GetProperty("data"))
            .Select(d => (d.GetProperty("shipmentId").GetString()!, d.GetProperty("trackingId").GetString()!)).ToList();
    }
}
