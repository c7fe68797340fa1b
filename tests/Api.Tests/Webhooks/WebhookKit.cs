using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>Scenario helpers: a fresh shipper per test (so tests of one class never share a webhook), webhook calls, waiting.</summary>
public static class WebhookKit
{
    public static readonly string[] AllStates = ["CREATED", "PENDING", "ASSIGNED", "PICKED", "ON_ROUTE", "INCIDENT", "RETURNED", "DELIVERED", "CANCELED", "ON_HOLD"];

    /// <summary>A new shipper (contract: Mexico City, as the demo shipper's) and a client logged in as its user.</summary>
    public static async Task<(string Key, HttpClient Client)> NewShipper(this ApiFactory api)
    {
        var key = $"wh-{Guid.NewGuid().ToString("N")[..10]}";
        var email = $"integrations@{key}.mx";
        const string password = "webhook-test-password";
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var created = await operatorClient.CreateShipper(AdminRequests.NewShipper(key, email, password,
            AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx"))));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (key, await api.LoginAs(new DemoUser(key, email, password)));
    }

    public static JsonObject Webhook(string url, params string[] states) => new()
    {
        ["url"] = url,
        ["states"] = new JsonArray(states.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
        ["description"] = "test receiver",
    };

    public static Task<HttpResponseMessage> PutWebhook(this HttpClient client, JsonNode body) =>
        client.PutAsync("/v1/webhook", Orders.Body(body));

    /// <summary>Registers a webhook and returns its secret.</summary>
    public static async Task<string> Register(this HttpClient client, string url, params string[] states)
    {
        using var response = await client.PutWebhook(Webhook(url, states.Length == 0 ? AllStates : states));
        var body = await response.Body();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return body.GetProperty("data").GetProperty("secret").GetString()!;
    }

    public static async Task<JsonElement> Data(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Body();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    public static async Task<JsonElement> Post(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(path, null);
        return await response.Data(expected);
    }

    public static async Task<JsonElement> Get(this HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        return await response.Data(expected);
    }

    /// <summary>The shipper's messages (newest first) from the deliveries API.</summary>
    public static async Task<JsonElement[]> Deliveries(this HttpClient client, string query = "")
    {
        var data = await client.Get($"/v1/webhook/deliveries?limit=200{query}");
        return data.GetProperty("items").EnumerateArray().ToArray();
    }

    /// <summary>The status of every message of a shipper, straight from the outbox table.</summary>
    public static async Task<IReadOnlyList<(Guid Id, string State, int Attempts)>> Outbox(this WebhookApiFactory api, string shipperId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id, state, attempts from cargamos.webhook_messages where shipper_id = @s order by id", connection);
        command.Parameters.AddWithValue("s", shipperId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, string, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked every 25 ms), failing after <paramref name="timeout"/> (default 15 s).</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Delay(25);
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(condition()), what, timeout);

    /// <summary>The types of a shipment's events by stream version, as auditors read them.</summary>
    public static async Task<Dictionary<long, string>> EventVersions(this ApiFactory api, Guid shipmentId)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var events = await auditor.Get($"/v1/shipments/{shipmentId}/events");
        return events.GetProperty("events").EnumerateArray().ToDictionary(e => e.GetProperty("version").GetInt64(), e => e.GetProperty("type").GetString()!);
    }
}
