using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>Bodies and calls of the reference-data endpoints, as JSON that tests can tweak.</summary>
public static class AdminRequests
{
    public static readonly string[] MondayToSaturday = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

    public static JsonObject Zone(string from, string to, string country = "mx", string name = "Test zone", string timeZone = "America/Mexico_City") => new()
    {
        ["country"] = country,
        ["name"] = name,
        ["timeZone"] = timeZone,
        ["distributionCenter"] = "TEST-DC",
        ["defaultCarrierId"] = "test-carrier",
        ["postalCodeRanges"] = new JsonArray(new JsonObject { ["from"] = from, ["to"] = to }),
        ["postalCodes"] = new JsonArray(),
    };

    public static JsonObject ServiceLevel(string zoneId, int minDays = 1, int maxDays = 7, int cutoff = 18) => new()
    {
        ["zoneId"] = zoneId,
        ["minDays"] = minDays,
        ["maxDays"] = maxDays,
        ["dropoffCutoffHour"] = cutoff,
        ["operatingDays"] = new JsonArray(MondayToSaturday.Select(d => (JsonNode)JsonValue.Create(d)).ToArray()),
    };

    public static JsonObject Contract(string[] countries, params JsonObject[] levels) => new()
    {
        ["allowedCountries"] = new JsonArray(countries.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
        ["serviceLevels"] = new JsonArray(levels.Cast<JsonNode>().ToArray()),
        ["packageLimits"] = new JsonObject { ["maxWeightKg"] = 30, ["maxSideCm"] = 150, ["maxSumOfSidesCm"] = 300, ["maxDeclaredValue"] = 100000 },
        ["validFrom"] = "2024-01-01T00:00:00Z",
        ["validTo"] = "2031-01-01T00:00:00Z",
    };

    public static JsonObject NewShipper(string key, string email, string password, JsonObject? contract = null) => new()
    {
        ["key"] = key,
        ["name"] = $"{key} S.A. de C.V.",
        ["user"] = new JsonObject { ["email"] = email, ["password"] = password },
        ["contract"] = contract ?? Contract(["mx"], ServiceLevel("mx-cdmx", 2, 4, 14)),
    };

    /// <summary>
    /// A rate card pricing <paramref name="zoneIds"/> alike in MXN: up to 1 kg 79, 5 kg 99, 10 kg 139, then 12.50 per started kg;
    /// insurance 1.5 % of the declared value, at least 10.
    /// </summary>
    public static JsonObject RateCard(params string[] zoneIds) => new()
    {
        ["currency"] = "MXN",
        ["volumetricDivisor"] = 5000,
        ["zones"] = new JsonArray(zoneIds.Select(z => (JsonNode)new JsonObject
        {
            ["zoneId"] = z,
            ["bands"] = new JsonArray(
                new JsonObject { ["upToKg"] = 1, ["price"] = 79 },
                new JsonObject { ["upToKg"] = 5, ["price"] = 99 },
                new JsonObject { ["upToKg"] = 10, ["price"] = 139 }),
            ["extraKgPrice"] = 12.5,
        }).ToArray()),
        ["insurance"] = new JsonObject { ["rate"] = 0.015, ["minimum"] = 10 },
        ["validFrom"] = "2024-01-01T00:00:00Z",
        ["validTo"] = "2031-01-01T00:00:00Z",
    };

    public static Task<HttpResponseMessage> AddRateCard(this HttpClient client, string key, JsonNode card) =>
        client.PostAsync($"/v1/admin/shippers/{key}/rate-cards", Body(card));

    public static StringContent Body(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PutZone(this HttpClient client, string zoneId, JsonNode zone) =>
        client.PutAsync($"/v1/admin/coverage-zones/{zoneId}", Body(zone));

    public static Task<HttpResponseMessage> PutContract(this HttpClient client, string key, JsonNode contract) =>
        client.PutAsync($"/v1/admin/shippers/{key}/contract", Body(contract));

    public static Task<HttpResponseMessage> CreateShipper(this HttpClient client, JsonNode shipper) =>
        client.PostAsync("/v1/admin/shippers", Body(shipper));

    /// <summary>The data of GET /v1/coverage/{country}/{postalCode}, asserting a 200.</summary>
    public static async Task<JsonElement> Coverage(this HttpClient client, string country, string postalCode)
    {
        using var response = await client.GetAsync($"/v1/coverage/{country}/{Uri.EscapeDataString(postalCode)}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Body()).GetProperty("data");
    }

    public static async Task<HttpResponseMessage> Login(this ApiFactory api, string key, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/login?key={Uri.EscapeDataString(key)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await api.CreateClient().SendAsync(request);
    }

    public static List<(string? Code, string? Parameter)> Errors(JsonElement envelope) =>
        envelope.GetProperty("errors").EnumerateArray().Select(e => (e.Str("code"), e.Str("parameter"))).ToList();

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
