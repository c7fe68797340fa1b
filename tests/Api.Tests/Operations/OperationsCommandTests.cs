using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Operations;

/// <summary>
/// The operations commands (docs/operations.md), each run as its own process of the built API over a database of this
/// test class: schema checked and applied, the store described, projections rebuilt, a stream replayed.
/// </summary>
public sealed class OperationsCommandTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData(true, "replay", "CGM7K2Q9XH4TD")]
    [InlineData(true, "db-assert")]
    [InlineData(true, "projections", "--rebuild")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:6000")]
    [InlineData(false, "--environment=Testing", "--contentRoot=/tmp")]
    [InlineData(false, "run")]
    [InlineData(false, "Urls=http://0.0.0.0:8080")]
    [InlineData(false, "--production", "Urls=http://0.0.0.0:8080")]
    public void Only_a_command_word_first_runs_a_command_anything_else_serves_http(bool command, params string[] args) =>
        Assert.Equal(command, Hosting.CommandLine.IsCommand(args));

    [Fact]
    public async Task Db_assert_fails_on_an_empty_database_and_passes_after_db_apply()
    {
        var empty = await TestPostgres.CreateDatabaseAsync("opscli_empty");
        try
        {
            var before = await ApiCommand.RunAsync(empty, "db-assert");
            Assert.True(before.ExitCode != 0, before.ToString());

            var apply = await ApiCommand.RunAsync(empty, "db-apply");
            Assert.True(apply.ExitCode == 0, apply.ToString());
            Assert.Contains("1 migrated, 0 failed", apply.Output);

            var after = await ApiCommand.RunAsync(empty, "db-assert");
            Assert.True(after.ExitCode == 0, after.ToString());
            Assert.Contains("No database differences detected", after.Output);

            // Our own tables came with Marten's: the webhook outbox, the integration lots, the key ring, idempotency keys.
            Assert.Equal(
                new[] { "data_protection_keys", "integration_lot_files", "integration_lot_rows", "integration_lots", "mt_doc_idempotencyrecord", "webhook_attempts", "webhook_messages" },
                await Tables(empty, "data_protection_keys", "integration_lot_files", "integration_lot_rows", "integration_lots", "mt_doc_idempotencyrecord", "webhook_attempts", "webhook_messages"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(empty);
        }
    }

    [Fact]
    public async Task The_schema_the_api_applies_at_start_is_what_db_assert_expects()
    {
        var result = await ApiCommand.RunAsync(api.ConnectionString, "db-assert");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Describe_shows_the_store_with_our_read_models_and_events_and_hides_secrets()
    {
        // The telemetry backend's key travels in OTEL_EXPORTER_OTLP_HEADERS (docs/operations.md#telemetry).
        const string backendKey = "otlp-backend-key-7f3a9c";
        var result = await ApiCommand.RunAsync(api.ConnectionString,
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = $"api-key={backendKey}", ["Cargamos__Note"] = $"token={backendKey}" }, "describe");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Marten.StoreOptions", result.Output);
        Assert.Contains("Cargamos.Modular.Application.Shipments.Contracts.ShipmentTracking", result.Output);
        Assert.Contains("Cargamos.Modular.Application.Vtex.ReadModels.VtexServiceView", result.Output);
        Assert.Contains("shipment_created", result.Output);
        Assert.Contains("DatabaseSchemaName: cargamos", result.Output);

        // The configuration preview names the settings but not their secret values (a wrapped value keeps its start).
        Assert.Contains("(hidden)", result.Output);
        var password = new NpgsqlConnectionStringBuilder(api.ConnectionString).Password;
        foreach (var secret in new[] { ApiCommand.SigningKey, password, backendKey }.OfType<string>())
        {
            Assert.DoesNotContain(secret[..Math.Min(12, secret.Length)], result.Output + result.Errors);
        }
    }

    [Fact]
    public async Task Projections_rebuild_gives_back_a_deleted_tracking_document_and_a_corrupted_vtex_view()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked]);
        var tracking = await Document("mt_doc_shipmenttracking", id);
        var view = await Document("mt_doc_vtexserviceview", id);
        Assert.NotNull(tracking);
        Assert.NotNull(view);

        await Execute($"delete from cargamos.mt_doc_shipmenttracking where id = '{id}'");
        await Execute($"update cargamos.mt_doc_vtexserviceview set data = '{{}}' where id = '{id}'");

        // The issue's spelling; Marten 9's is `projections rebuild`.
        var result = await ApiCommand.RunAsync(api.ConnectionString, "projections", "--rebuild");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Finished rebuilding ShipmentTracking", result.Output);
        Assert.Contains("Finished rebuilding VtexServiceView", result.Output);
        Assert.Equal(tracking, await Document("mt_doc_shipmenttracking", id));
        Assert.Equal(view, await Document("mt_doc_vtexserviceview", id));
    }

    [Fact]
    public async Task Replay_prints_what_the_auditor_events_endpoint_answers()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk();
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.GetAsync($"/v1/shipments/{id}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var result = await ApiCommand.RunAsync(api.ConnectionString, "replay", trackingId);

        Assert.True(result.ExitCode == 0, result.ToString());
        var printed = JsonNode.Parse(result.Output)!;
        Assert.Equal(new[] { "version", "status", "processId", "timestamp", "data" }, printed.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("OK", (string?)printed["status"]);
        Assert.True(Guid.TryParse((string?)printed["processId"], out _));
        Assert.True(JsonNode.DeepEquals(answered["data"], printed["data"]), $"endpoint: {answered["data"]}{Environment.NewLine}replay: {printed["data"]}");
        Assert.Equal(id.ToString(), (string?)printed["data"]!["shipmentId"]);
        Assert.Equal("ShipmentCreated", (string?)printed["data"]!["events"]![0]!["type"]);
    }

    [Fact]
    public async Task Replay_at_a_version_or_a_time_prints_what_the_state_endpoint_answers()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked]);
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var events = JsonNode.Parse(await auditor.GetStringAsync($"/v1/shipments/{id}/events"))!["data"]!["events"]!.AsArray();
        var secondCommitted = (string)events[1]!["timestamp"]!;

        foreach (var (flag, value, query) in new[] { ("--version", "2", "version=2"), ("--at", secondCommitted, $"at={Uri.EscapeDataString(secondCommitted)}") })
        {
            var answered = JsonNode.Parse(await auditor.GetStringAsync($"/v1/shipments/{id}/state?{query}"))!;

            var result = await ApiCommand.RunAsync(api.ConnectionString, "replay", id.ToString(), flag, value);

            Assert.True(result.ExitCode == 0, result.ToString());
            var printed = JsonNode.Parse(result.Output)!;
            Assert.True(JsonNode.DeepEquals(answered["data"], printed["data"]), $"{flag}: endpoint: {answered["data"]}{Environment.NewLine}replay: {printed["data"]}");
            Assert.Equal(2, (int)printed["data"]!["version"]!);
        }
    }

    [Theory]
    [InlineData("db-assert")]
    [InlineData("db-apply")]
    [InlineData("projections", "rebuild")]
    public async Task A_database_command_while_the_database_is_down_says_so_in_one_line_and_exits_69(params string[] args)
    {
        // A port nothing listens on: the database of an outage.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var down = new NpgsqlConnectionStringBuilder(api.ConnectionString) { Port = port }.ConnectionString;

        var result = await ApiCommand.RunAsync(down, args);

        Assert.True(result.ExitCode == 69, result.ToString());
        Assert.Contains($"{args[0]}: the database cannot be reached (127.0.0.1:{port}, database ", result.Errors, StringComparison.Ordinal);
        Assert.Contains("Nothing was run or changed; retry when it answers (exit code 69).", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Errors, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task A_command_in_production_needs_no_public_address()
    {
        // The documented production command: the connection string and the signing key, no Labels__PublicBaseUrl.
        var production = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Production" };

        var result = await ApiCommand.RunAsync(api.ConnectionString, production, "db-assert");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("No public address", result.Output + result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_an_unknown_shipment_exits_non_zero_saying_so()
    {
        var result = await ApiCommand.RunAsync(api.ConnectionString, "replay", "CGMNOSUCHONE");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("replay CGMNOSUCHONE: NOT_FOUND: There is no shipment with id 'CGMNOSUCHONE'", result.Errors);
        using var envelope = JsonDocument.Parse(result.Output);
        Assert.Equal("NOT_FOUND", envelope.RootElement.GetProperty("status").GetString());
        Assert.Equal("NOT_FOUND", envelope.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    private async Task<string?> Document(string table, Guid id)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select data::text from cargamos.{table} where id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }

    private async Task Execute(string sql)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<string[]> Tables(string connectionString, params string[] names)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = 'cargamos' and table_name = any(@names) order by table_name", connection);
        command.Parameters.AddWithValue("names", names);
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(reader.GetString(0));
        }

        return [.. found];
    }
}
