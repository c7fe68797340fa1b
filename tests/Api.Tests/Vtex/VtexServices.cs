using System.Globalization;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Vtex;

/// <summary>VTEX as a caller of the carrier configuration endpoints: its demo account and a valid service creation body.</summary>
public static class VtexServices
{
    public const string AppKey = "vtexappkey-demo";
    public const string AppToken = "vtex-demo-token";

    /// <summary>A client sending the demo VTEX account's AppKey/AppToken headers.</summary>
    public static HttpClient Vtex(this ApiFactory api)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppKey", AppKey);
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppToken", AppToken);
        return client;
    }

    public static string Example(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vtex", "Examples", name));

    /// <summary>
    /// The document's example (syntax corrected) made acceptable: a unique orderId, a covered Bogotá receiver, zip codes
    /// (the example has none although the schema requires them) and dates valid under the demo contract.
    /// </summary>
    public static (JsonObject Service, DateTimeOffset Pickup, DateTimeOffset Delivery) Valid(string timeZone = "America/Bogota")
    {
        var service = JsonNode.Parse(Example("service-creation-request-corrected.json"))!.AsObject();
        var pickup = Orders.NextOperatingDay(timeZone, hour: 10);
        var delivery = pickup.AddDays(2).AddHours(6);
        service["orderId"] = Orders.Unique("SLR");
        service["sender"]!["zipCode"] = "110111";
        service["sender"]!["pickupDate"] = Utc(pickup);
        service["receiver"]!["country"] = "Colombia";
        service["receiver"]!["zipCode"] = "110111";
        service["receiver"]!["deliveryDate"] = Utc(delivery);
        return (service, pickup, delivery);
    }

    /// <summary>The seed document's keys plus what the current protocol adds: <c>rate</c> after <c>shippingPrice</c>.</summary>
    public static string[] WithRate(IEnumerable<string> seedKeys) =>
        seedKeys.SelectMany(k => k == "shippingPrice" ? new[] { k, "rate" } : [k]).ToArray();

    public static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
