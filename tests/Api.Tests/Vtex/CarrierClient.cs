using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Vtex;

/// <summary>The demo carriers and calls of the VTEX tracking hook API.</summary>
public static class CarrierClient
{
    public const string Servientrega = "servientrega-50461c9f3335";
    public const string BlueExpress = "627eb3b93a19fdc0cf5fe087";

    public const string ServientregaKey =
        "db5a3cecfef9cb0a9815af7c2eb8f7d6:c400460c165cc9beb146ad4d757e3bb1a24ff15228c424a0bd7c37f0ac356c0f6230568705d93dd6ff68190c0eafe5a74cbb14229748f20d3e53cbcc790ba372";

    public const string BlueExpressKey = "bluexpress-demo-key";

    public static async Task<string> Token(this ApiFactory api, string apiKey)
    {
        using var response = await api.CreateClient().PostAsync("/token", Json(new JsonObject { ["apiKey"] = apiKey }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetString()!;
    }

    /// <summary>A client sending the token bare, as the VTEX document shows (<c>Authorization: &lt;JWT&gt;</c>).</summary>
    public static async Task<HttpClient> AsCarrier(this ApiFactory api, string apiKey)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", await api.Token(apiKey));
        return client;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> Patch(this HttpClient client, string carrierId, string serviceId, JsonNode body) =>
        client.PatchAsync($"/tracking/hook/{carrierId}/{serviceId}", Json(body));

    public static Task<HttpResponseMessage> Hook(this HttpClient client, string hook, string carrierId, string serviceId, JsonNode body) =>
        client.PostAsync($"/tracking/hook/{hook}/{carrierId}/{serviceId}", Json(body));

    public static JsonObject Status(string status) => new() { ["status"] = status };
}
