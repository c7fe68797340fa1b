using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cargamos.Modular.LocalPostgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Bench;

/// <summary>
/// The benchmark suite: each path of the API against a raw baseline (one Npgsql statement behind a minimal endpoint) hosted
/// in this process the same way, on the same throwaway PostgreSQL; prints a Markdown table, ratios first.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = new BenchOptions(args);
        using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var total = Stopwatch.StartNew();
        Console.WriteLine($"Cargamos benchmark{(options.Quick ? " (--quick)" : "")}: {string.Join(", ", options.Only)}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");

        await using var server = await PostgresProvisioner.ProvisionAsync(
            new PostgresProvisionOptions
            {
                AllowTestcontainers = true,
                ThrowawaySettings = [.. options.PgStatements ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all"] : Array.Empty<string>(), .. options.PgSettings],
            },
            logs.CreateLogger("postgres"));
        var database = $"bench_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        await Admin(server.ConnectionString, $"create database {database}");
        if (options.PgStatements)
        {
            await Admin(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database }.ConnectionString, "create extension pg_stat_statements");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database }.ConnectionString;
        Console.WriteLine($"PostgreSQL: {server.Description}, database {database}{(options.PgSettings.Length > 0 ? $", settings {string.Join(", ", options.PgSettings)}" : "")}");

        var failures = new List<string>();
        List<Row> rows;
        await using (var api = new BenchApi(connectionString))
        await using (var baseline = await Baseline.StartAsync(connectionString))
        {
            var shipper = api.CreateClient();
            shipper.Timeout = TimeSpan.FromMinutes(10);
            shipper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await Login(shipper));
            var bench = new Bench(options, api, shipper, baseline, connectionString);
            CpuMeter.Current = await CpuMeter.Create(connectionString);
            await IntakeScenario.WarmUp(bench);

            (string Name, Func<Bench, Task> Run)[] scenarios =
            [
                ("intake", IntakeScenario.ClosedLoop),

                // The lot's peak working set counts the whole process: it runs before the open loop, whose raw side can
                // collapse near its capacity and leave thousands of requests' threads and buffers behind (342 MB in a run
                // where it did, 314-322 MB in runs where it did not), and before the webhook scenarios, which leave the
                // demo shipper's webhook at a closed port with a 100,000-message backlog (the lot would then measure that
                // receiver's failing attempts rather than the lot).
                ("spreadsheets", SpreadsheetScenario.Run),
                ("open-loop", IntakeScenario.OpenLoop),
                ("tracking", TrackingScenario.Run),
                ("carrier", CarrierScenario.Run),
                ("webhook-lag", WebhookScenarios.Lag),
                ("webhook-recovery", WebhookScenarios.Recovery),
                ("backlog", WebhookScenarios.Backlog),
                ("rebuild", RebuildScenario.Run),
            ];
            foreach (var (name, run) in scenarios.Where(s => options.Runs(s.Name)))
            {
                if (name is "open-loop" or "webhook-lag" && bench.IntakeMax == 0)
                {
                    // These run at a fraction of the measured maximum: measure it first.
                    await IntakeScenario.ClosedLoop(bench);
                }

                Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {name}");
                try
                {
                    if (options.PgStatements)
                    {
                        await Admin(connectionString, "select pg_stat_statements_reset()");
                    }

                    await run(bench);
                    if (options.PgStatements)
                    {
                        await PrintStatements(connectionString);
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
                    Console.WriteLine($"  FAILED: {e}");
                }
            }

            rows = bench.Rows;
        }

        NpgsqlConnection.ClearAllPools();
        await Admin(server.ConnectionString, $"drop database if exists {database} with (force)");

        Console.WriteLine();
        Console.WriteLine($"Results ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, total {total.Elapsed.TotalMinutes:F1} min); ratio = path / raw baseline unless told:");
        Console.WriteLine();
        Console.WriteLine("| path | ratio | Cargamos | raw baseline | target | |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Scenario} | {row.Ratio} | {row.Result} | {row.Baseline} | {row.Target} | {row.Met} |");
        }

        foreach (var failure in failures)
        {
            Console.WriteLine($"| {failure.Split(':')[0]} | FAILED | {failure[(failure.IndexOf(':') + 2)..].ReplaceLineEndings(" ")} | | | |");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// The statements PostgreSQL spent the most executor time on since the scenario started (pg_stat_statements, nested
    /// statements of functions included): calls, total and per call. Planning and the protocol are not in it.
    /// </summary>
    private static async Task PrintStatements(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select calls, total_exec_time, total_exec_time / calls, left(regexp_replace(query, '\s+', ' ', 'g'), 140)
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by total_exec_time desc limit 15
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine("  PostgreSQL statements (calls, total ms, ms per call):");
        while (await reader.ReadAsync())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {reader.GetInt64(0),9:N0} {reader.GetDouble(1),10:N1} {reader.GetDouble(2),8:0.0000}  {reader.GetString(3)}"));
        }
    }

    private static async Task Admin(string connectionString, string sql)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> Login(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/login?key=demo-shipper");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("integrations@demo-shipper.mx:demo-shipper-pass")));
        using var response = await client.SendAsync(request);
        Bench.Check(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("token").GetString()!;
    }
}
