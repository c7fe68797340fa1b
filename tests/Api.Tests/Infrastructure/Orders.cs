using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>Delivery orders as JSON that tests can tweak, with dates valid under the demo contract.</summary>
public static class Orders
{
    /// <summary>Next Monday-to-Saturday day after today, at <paramref name="hour"/> local time in the zone.</summary>
    public static DateTimeOffset NextOperatingDay(string timeZone = "America/Mexico_City", int hour = 10, int daysAhead = 1)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(daysAhead);
        while (local.DayOfWeek == DayOfWeek.Sunday)
        {
            local = local.AddDays(1);
        }

        var at = local.AddHours(hour);
        return new DateTimeOffset(at, zone.GetUtcOffset(at));
    }

    public static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Valid(string? shipperTrackingId = null, string postalCode = "06700", string country = "mx", string timeZone = "America/Mexico_City")
    {
        var dropoff = NextOperatingDay(timeZone);
        var order = new JsonObject
        {
            ["recipientLocation"] = new JsonObject
            {
                ["country"] = country, ["state"] = "Ciudad de México", ["city"] = "Ciudad de México", ["municipality"] = "Cuauhtémoc",
                ["neighborhood"] = "Roma Norte", ["street"] = "Calle Orizaba", ["exteriorNumber"] = "101", ["interiorNumber"] = "Depto. 4",
                ["postalCode"] = postalCode, ["reference"] = "Portón verde", ["latitude"] = 19.4194, ["longitude"] = -99.1617,
            },
            ["recipientInformation"] = new JsonObject { ["name"] = "María Pérez", ["phone"] = "+52 55 1234 5678", ["email"] = "maria@example.mx" },
            ["packageInformation"] = new JsonObject
            {
                ["weight"] = 1.5, ["dimensions"] = new JsonObject { ["length"] = 30, ["width"] = 20, ["height"] = 12 },
                ["declaredValue"] = 1200, ["currency"] = "MXN", ["description"] = "Caja con zapatos", ["contents"] = "1 par de tenis",
                ["cartaPorte"] = new JsonObject { ["productKey"] = "53111600", ["unitKey"] = "H87", ["quantity"] = 1, ["hazardousMaterial"] = false, ["packagingKey"] = "4G" },
            },
            ["shipperDropoffDate"] = Iso(dropoff),
            ["expectedDeliveryDate"] = Iso(dropoff.AddDays(2).AddHours(8)),
        };
        if (shipperTrackingId is not null)
        {
            order["shipperTrackingId"] = shipperTrackingId;
        }

        return order;
    }

    public static StringContent Body(JsonNode order) => new(order.ToJsonString(), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> Integrate(this HttpClient client, JsonNode order, string query = "") =>
        client.PostAsync($"/v1/delivery-orders{query}", Body(order));

    /// <summary>Integrates a valid order and returns (shipmentId, trackingId).</summary>
    public static async Task<(Guid ShipmentId, string TrackingId)> IntegrateOk(this HttpClient client, JsonObject? order = null)
    {
        using var response = await client.Integrate(order ?? Valid());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Integration failed: {(int)response.StatusCode} {body}");
        }

        var data = body!["data"]!;
        return (Guid.Parse(data["shipmentId"]!.GetValue<string>()), data["trackingId"]!.GetValue<string>());
    }

    public static string Unique(string prefix = "T") => $"{prefix}-{Guid.NewGuid().ToString("N")[..12]}";
}
