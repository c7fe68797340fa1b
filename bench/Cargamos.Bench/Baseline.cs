using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Bench;

/// <summary>
/// The raw baseline: a minimal ASP.NET Core app in this process, hosted like the API (TestServer, in memory), each endpoint
/// one Npgsql statement on the same PostgreSQL: writes one jsonb INSERT, reads one SELECT by id. It parses and writes the
/// same JSON the API would (the order echoed with its ids; the stored tracking document).
/// </summary>
internal sealed class Baseline : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly NpgsqlDataSource data;

    private Baseline(WebApplication app, NpgsqlDataSource data)
    {
        this.app = app;
        this.data = data;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public NpgsqlDataSource Data => data;

    public static async Task<Baseline> StartAsync(string connectionString)
    {
        var data = NpgsqlDataSource.Create(connectionString);
        await using (var create = data.CreateCommand("create table if not exists bench_baseline (id uuid primary key, body jsonb not null)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();

        // POST an order: parse, give it ids, INSERT it, answer 201 with it (as POST /v1/delivery-orders does).
        app.MapPost("/baseline/orders", async (HttpRequest request) =>
        {
            var order = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            var id = Guid.CreateVersion7();
            order["trackingId"] ??= $"RAW{id:N}"[..13];
            order["shipmentId"] = id.ToString();
            var json = order.ToJsonString();
            await Insert(data, id, json);
            return Results.Text($$"""{"status":"CREATED","data":{{json}}}""", "application/json", statusCode: 201);
        });

        // PATCH a status (the carrier hook's shape): INSERT it, echo it.
        app.MapMethods("/baseline/hook/{carrierId}/{serviceId}", ["PATCH"], async (string carrierId, string serviceId, HttpRequest request) =>
        {
            var update = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            update["serviceId"] = serviceId;
            update["carrierId"] = carrierId;
            var json = update.ToJsonString();
            await Insert(data, Guid.CreateVersion7(), json);
            return Results.Text($$"""{"message":"Service updated successfully","data":{{json}}}""", "application/json");
        });

        // GET by id: one SELECT, the stored document as it is.
        app.MapGet("/baseline/orders/{id:guid}", async (Guid id) =>
        {
            await using var select = data.CreateCommand("select body::text from bench_baseline where id = $1");
            select.Parameters.Add(new NpgsqlParameter { Value = id });
            return await select.ExecuteScalarAsync() is string json
                ? Results.Text($$"""{"status":"OK","data":{{json}}}""", "application/json")
                : Results.NotFound();
        });

        await app.StartAsync();
        return new Baseline(app, data);
    }

    public static async Task Insert(NpgsqlDataSource data, Guid id, string json)
    {
        await using var insert = data.CreateCommand("insert into bench_baseline (id, body) values ($1, $2::jsonb)");
        insert.Parameters.Add(new NpgsqlParameter { Value = id });
        insert.Parameters.Add(new NpgsqlParameter { Value = json });
        await insert.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await data.DisposeAsync();
    }
}
