using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Infrastructure.Webhooks;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>The webhook management API: its contract, validation and access rules.</summary>
public sealed class WebhookApiTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    private const string Url = "http://127.0.0.1:9/hooks";

    [Fact]
    public async Task Put_creates_with_a_secret_once_get_never_shows_it_and_put_again_replaces_keeping_it()
    {
        var (_, shipper) = await api.NewShipper();
        using var none = await shipper.GetAsync("/v1/webhook");
        Assert.Equal("NOT_FOUND", (await none.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("code"));

        using var created = await shipper.PutWebhook(WebhookKit.Webhook(Url, "DELIVERED", "CREATED", "CREATED"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/webhook", created.Headers.Location?.OriginalString);
        var body = await created.Body();
        Assert.Equal("CREATED", body.GetProperty("status").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(new[] { "url", "states", "description", "status", "disabledReason", "previousSecretExpiresAt", "createdAt", "updatedAt", "breaker", "secret" },
            data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(Url, data.GetProperty("url").GetString());
        Assert.Equal(new[] { "CREATED", "DELIVERED" }, data.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToArray());
        Assert.Equal("ACTIVE", data.GetProperty("status").GetString());
        Assert.StartsWith("whsec_", data.GetProperty("secret").GetString());

        var read = await shipper.Get("/v1/webhook");
        Assert.Equal(new[] { "url", "states", "description", "status", "disabledReason", "previousSecretExpiresAt", "createdAt", "updatedAt", "breaker" },
            read.EnumerateObject().Select(p => p.Name).ToArray());

        using var replaced = await shipper.PutWebhook(WebhookKit.Webhook("http://127.0.0.1:10/other", "ON_ROUTE"));
        var again = await replaced.Data();
        Assert.Equal(JsonValueKind.Null, again.GetProperty("secret").ValueKind);
        Assert.Equal(new[] { "ON_ROUTE" }, again.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToArray());
        Assert.Equal("http://127.0.0.1:10/other", (await shipper.Get("/v1/webhook")).GetProperty("url").GetString());
        Assert.Equal(data.GetProperty("createdAt").GetDateTimeOffset(), again.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_replacement_keeps_a_suspension()
    {
        var (_, shipper) = await api.NewShipper();
        await shipper.Register(Url, "CREATED");
        await shipper.Post("/v1/webhook/suspend");
        Assert.Equal("SUSPENDED", (await shipper.Post("/v1/webhook/suspend")).GetProperty("status").GetString());
        using var replaced = await shipper.PutWebhook(WebhookKit.Webhook(Url, "PENDING"));
        Assert.Equal("SUSPENDED", (await replaced.Data()).GetProperty("status").GetString());
        Assert.Equal("ACTIVE", (await shipper.Post("/v1/webhook/resume")).GetProperty("status").GetString());
        Assert.Equal("ACTIVE", (await shipper.Post("/v1/webhook/resume")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"states":["CREATED"]}""", "MISSING_PARAMETER", "url")]
    [InlineData("""{"url":"/relative","states":["CREATED"]}""", "INVALID_PARAMETER", "url")]
    [InlineData("""{"url":"ftp://example.com/x","states":["CREATED"]}""", "INVALID_PARAMETER", "url")]
    [InlineData("""{"url":"https://example.com/x#frag","states":["CREATED"]}""", "INVALID_PARAMETER", "url")]
    [InlineData("""{"url":"https://example.com/x","states":[]}""", "MISSING_PARAMETER", "states")]
    [InlineData("""{"url":"https://example.com/x"}""", "MISSING_PARAMETER", "states")]
    [InlineData("""{"url":"https://example.com/x","states":["SHIPPED"]}""", "INVALID_PARAMETER", "states[0]")]
    [InlineData("""{"url":"https://example.com/x","states":[3]}""", "INVALID_PARAMETER", "states[0]")]
    public async Task Put_refuses_a_bad_url_or_states(string json, string code, string parameter)
    {
        var (_, shipper) = await api.NewShipper();
        using var response = await shipper.PutWebhook(JsonNode.Parse(json)!);
        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(code, body.Error().Str("code"));
        Assert.Equal(parameter, body.Error().Str("parameter"));
        Assert.Equal("request.body", body.Error().Str("location"));
    }

    [Fact]
    public async Task An_unknown_state_names_the_permitted_ones()
    {
        var (_, shipper) = await api.NewShipper();
        using var response = await shipper.PutWebhook(JsonNode.Parse("""{"url":"https://example.com/x","states":["CREATED","SHIPPED"]}""")!);
        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Contains("'ON_ROUTE'", body.Error().Str("details"));
        Assert.Equal("states[1]", body.Error().Str("parameter"));
    }

    [Fact]
    public async Task Only_shippers_manage_webhooks()
    {
        using var anonymous = await api.CreateClient().GetAsync("/v1/webhook");
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var forbidden = await auditor.PutWebhook(WebhookKit.Webhook(Url, "CREATED"));
        await forbidden.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var deliveries = await operatorClient.GetAsync("/v1/webhook/deliveries");
        await deliveries.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_suspended_shipper_cannot_manage_its_webhook()
    {
        var (key, shipper) = await api.NewShipper();
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using (var suspend = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        using var response = await shipper.PutWebhook(WebhookKit.Webhook(Url, "CREATED"));
        Assert.Equal("ACCOUNT_SUSPENDED", (await response.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
    }

    [Fact]
    public async Task Delete_removes_the_webhook_and_fails_its_undelivered_messages()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(Url, "CREATED"); // nothing listens there: the message keeps being retried
        await shipper.Post("/v1/webhook/test", HttpStatusCode.Accepted);

        using var deleted = await shipper.DeleteAsync("/v1/webhook");
        Assert.True((await deleted.Data()).GetProperty("deleted").GetBoolean());
        using var gone = await shipper.GetAsync("/v1/webhook");
        await gone.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var again = await shipper.DeleteAsync("/v1/webhook");
        await again.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");

        var message = Assert.Single(await shipper.Deliveries());
        Assert.Equal("FAILED", message.GetProperty("status").GetString());
        Assert.Contains("deleted", message.GetProperty("lastError").GetString());
        Assert.All(await api.Outbox(key), m => Assert.Equal("FAILED", m.State));
    }

    [Fact]
    public async Task Deliveries_are_paged_newest_first_and_filtered_by_status()
    {
        var (_, shipper) = await api.NewShipper();
        await shipper.Register(Url, "CREATED");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await shipper.Post("/v1/webhook/test", HttpStatusCode.Accepted)).GetProperty("id").GetString()!);
        }

        var first = await shipper.Get("/v1/webhook/deliveries?limit=2");
        var page1 = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToArray();
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await shipper.Get($"/v1/webhook/deliveries?limit=2&cursor={cursor}");
        var page2 = second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToArray();
        Assert.Equal(new[] { ids[2], ids[1] }, page1);
        Assert.Equal(new[] { ids[0] }, page2);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var item = first.GetProperty("items")[0];
        Assert.Equal(new[] { "id", "type", "shipmentId", "version", "status", "createdAt", "nextAttemptAt", "deliveredAt", "lastError", "payload", "attempts" },
            item.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(ids[2], item.GetProperty("payload").GetProperty("id").GetString());

        // Nothing listens on port 9: every message fails its first attempt and waits for a retry.
        await WebhookKit.Until(async () => (await shipper.Deliveries()).All(d => d.GetProperty("attempts").GetArrayLength() > 0), "first attempts");
        var attempt = (await shipper.Deliveries())[0].GetProperty("attempts")[0];
        Assert.Equal(new[] { "attemptedAt", "httpStatus", "durationMs", "error" }, attempt.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("httpStatus").ValueKind);
        Assert.Contains("ConnectionError", attempt.GetProperty("error").GetString());
        Assert.Empty(await shipper.Deliveries("&status=DELIVERED"));
    }

    [Theory]
    [InlineData("?status=LOST", "status")]
    [InlineData("?cursor=abc", "cursor")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=x", "limit")]
    public async Task Deliveries_refuse_bad_parameters(string query, string parameter)
    {
        var (_, shipper) = await api.NewShipper();
        using var response = await shipper.GetAsync($"/v1/webhook/deliveries{query}");
        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(parameter, body.Error().Str("parameter"));
        Assert.Equal("request.query", body.Error().Str("location"));
    }

    [Fact]
    public async Task Redeliver_finds_only_your_own_messages()
    {
        var (_, shipper) = await api.NewShipper();
        var (_, other) = await api.NewShipper();
        await shipper.Register(Url, "CREATED");
        var id = (await shipper.Post("/v1/webhook/test", HttpStatusCode.Accepted)).GetProperty("id").GetString();

        using var foreign = await other.PostAsync($"/v1/webhook/deliveries/{id}/redeliver", null);
        await foreign.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var unknown = await shipper.PostAsync($"/v1/webhook/deliveries/{Guid.CreateVersion7()}/redeliver", null);
        await unknown.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var malformed = await shipper.PostAsync("/v1/webhook/deliveries/abc/redeliver", null);
        Assert.Equal("id", (await malformed.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("parameter"));
        Assert.Empty(await other.Deliveries());
    }

    [Fact]
    public async Task The_outbox_tables_match_their_definition_after_start_so_no_start_migrates_them_again()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in new[] { WebhookSchema.MessagesTableDefinition(), WebhookSchema.AttemptsTableDefinition() })
        {
            var delta = await table.FindDeltaAsync(connection);
            var patch = new StringWriter();
            if (delta.Difference != SchemaPatchDifference.None)
            {
                delta.WriteUpdate(new PostgresqlMigrator(), patch);
            }

            Assert.True(delta.Difference == SchemaPatchDifference.None, $"{table.Identifier}: {delta.Difference}, a start would run: {patch}");
        }
    }
}
