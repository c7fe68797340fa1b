using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cargamos.Modular.LocalPostgres;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Bench;

internal static class SpreadsheetBench
{
    public static async Task Main(string[] args)
    {
        // Spreadsheet integration, end to end, against a throwaway PostgreSQL: a generated file of ROWS rows (seed SEED) uploaded to
        // POST /v1/integration-lots and processed to COMPLETED, compared with N orders through POST /v1/delivery-orders in the same run.
        var rows = Argument("--rows", 100_000);
        var seed = Argument("--seed", 20261128);
        var apiOrders = Argument("--api-orders", 2_000);
        var apiConcurrency = Argument("--api-concurrency", 8);
        var invalidPercent = Argument("--invalid-percent", 2);
        var xlsx = args.Contains("--xlsx");

        using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        Console.WriteLine($"Spreadsheet benchmark: {rows:N0} rows of {(xlsx ? "XLSX" : "CSV")} (seed {seed}, {invalidPercent}% invalid), baseline {apiOrders:N0} API orders at concurrency {apiConcurrency}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");

        await using var server = await PostgresProvisioner.ProvisionAsync(new PostgresProvisionOptions { AllowTestcontainers = true }, logs.CreateLogger("postgres"));
        var database = $"bench_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database }.ConnectionString;
        Console.WriteLine($"PostgreSQL: {server.Description}, database {database}");

        using var peak = new PeakMemory();
        await using (var api = new BenchApi(connectionString))
        {
            var client = api.CreateClient();
            client.Timeout = TimeSpan.FromMinutes(10);
            var token = await Login(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Warm-up: JIT, pools, caches, both paths.
            var generator = new OrderFile(seed + 1, 0);
            for (var i = 0; i < 50; i++)
            {
                using var warm = await client.PostAsync("/v1/delivery-orders", Json(generator.Order(i)));
                Check(warm, HttpStatusCode.Created);
            }

            await RunLot(client, new OrderFile(seed + 2, 0).Csv(500), "warm-up.csv");

            // Baseline: the single-order API path.
            var baseline = new OrderFile(seed + 3, 0);
            var next = -1;
            var apiWatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, apiConcurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < apiOrders)
                {
                    using var response = await client.PostAsync("/v1/delivery-orders", Json(baseline.Order(i)));
                    Check(response, HttpStatusCode.Created);
                }
            }));
            apiWatch.Stop();
            var apiRate = apiOrders / apiWatch.Elapsed.TotalSeconds;
            Console.WriteLine($"API path: {apiOrders:N0} orders in {apiWatch.Elapsed.TotalSeconds:F2} s = {apiRate:N0} orders/s");

            // The spreadsheet path.
            var file = new OrderFile(seed, invalidPercent);
            var content = xlsx ? file.Xlsx(rows) : file.Csv(rows);
            Console.WriteLine($"File: {content.Length / 1024.0 / 1024.0:F1} MB, {rows:N0} rows, {file.Invalid:N0} invalid by construction");
            GC.Collect();
            peak.Start();
            var (elapsed, lot) = await RunLot(client, content, xlsx ? "bench.xlsx" : "bench.csv");
            var duringLot = peak.Stop();
            var rate = rows / elapsed.TotalSeconds;
            var processing = (lot.GetProperty("finishedAt").GetDateTimeOffset() - lot.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
            var created = lot.GetProperty("created").GetInt32();
            var rejected = lot.GetProperty("rejected").GetInt32();
            Console.WriteLine($"Spreadsheet path: {rows:N0} rows in {elapsed.TotalSeconds:F2} s from upload to COMPLETED = {rate:N0} rows/s " +
                              $"(processing alone {processing:F2} s = {rows / processing:N0} rows/s); created {created:N0}, rejected {rejected:N0}");
            if (created + rejected != rows || rejected != file.Invalid)
            {
                throw new InvalidOperationException($"Expected {rows - file.Invalid} created and {file.Invalid} rejected.");
            }

            var process = Process.GetCurrentProcess();
            process.Refresh();
            Console.WriteLine();
            Console.WriteLine($"rows/s (upload to COMPLETED):  {rate:N0}   target >= 2,000   {(rate >= 2000 ? "OK" : "MISSED")}");
            Console.WriteLine($"peak working set (process):    {process.PeakWorkingSet64 / 1024 / 1024:N0} MB (sampled during the lot: {duringLot / 1024 / 1024:N0} MB)   target < 500 MB   {(process.PeakWorkingSet64 < 500L * 1024 * 1024 ? "OK" : "MISSED")}");
            Console.WriteLine($"ratio spreadsheet / API path:  {rate / apiRate:F2}x   (API path {apiRate:N0} orders/s at concurrency {apiConcurrency})");
        }

        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            NpgsqlConnection.ClearAllPools();
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {database} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }


        static async Task<(TimeSpan Elapsed, JsonElement Lot)> RunLot(HttpClient client, byte[] csv, string name)
        {
            var watch = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent { { new ByteArrayContent(csv), "file", name } };
            using var upload = await client.PostAsync("/v1/integration-lots", form);
            Check(upload, HttpStatusCode.Accepted);
            var lotId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("lotId").GetInt64();
            while (true)
            {
                var lot = (await client.GetFromJsonAsync<JsonElement>($"/v1/integration-lots/{lotId}")).GetProperty("data");
                var status = lot.GetProperty("status").GetString();
                if (status == "COMPLETED")
                {
                    return (watch.Elapsed, lot);
                }

                if (status == "FAILED")
                {
                    throw new InvalidOperationException($"Lot {lotId} failed: {lot}");
                }

                await Task.Delay(100);
            }
        }

        static async Task<string> Login(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/login?key=demo-shipper");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("integrations@demo-shipper.mx:demo-shipper-pass")));
            using var response = await client.SendAsync(request);
            Check(response, HttpStatusCode.OK);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("token").GetString()!;
        }

        static void Check(HttpResponseMessage response, HttpStatusCode expected)
        {
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
            }
        }

        static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

        int Argument(string name, int fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
        }

    }
}

/// <summary>The API in this process (TestServer), over the benchmark's database, with the demo shipper.</summary>
internal sealed class BenchApi(string connectionString) : WebApplicationFactory<Program>
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Cargamos:SeedDemoData", "true");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}

/// <summary>The process's working set, sampled every 50 ms while running.</summary>
internal sealed class PeakMemory : IDisposable
{
    private CancellationTokenSource? stop;
    private Task<long>? sampling;

    public void Start()
    {
        stop = new CancellationTokenSource();
        var token = stop.Token;
        sampling = Task.Run(async () =>
        {
            long max = 0;
            using var process = Process.GetCurrentProcess();
            while (!token.IsCancellationRequested)
            {
                process.Refresh();
                max = Math.Max(max, process.WorkingSet64);
                await Task.Delay(50, CancellationToken.None);
            }

            return max;
        });
    }

    public long Stop()
    {
        stop!.Cancel();
        return sampling!.Result;
    }

    public void Dispose() => stop?.Dispose();
}

/// <summary>
/// Reproducible delivery orders (one seed, one file): recipients in the demo zones of Mexico City, Guadalajara, Monterrey
/// and Bogotá with Spanish names and accents, dates valid under the demo contract, half with a shipperTrackingId, and
/// <c>invalidPercent</c>% of rows broken in one of four ways (missing street, bad phone, uncovered postal code, too heavy).
/// </summary>
internal sealed class OrderFile(int seed, int invalidPercent)
{
    private static readonly string[] Names = ["María Pérez", "José Hernández", "Lucía Gómez", "Andrés Núñez", "Sofía Ramírez", "Íñigo Martínez", "Ana Patiño", "Julián Ortíz"];
    private static readonly string[] Streets = ["Calle Orizaba", "Av. Insurgentes Sur", "Calle Durango", "Av. Juárez", "Calle Mérida", "Paseo de la Reforma"];
    private static readonly string[] Neighborhoods = ["Roma Norte", "Condesa", "Del Valle", "Narvarte", "Polanco", "Centro"];
    private static readonly string[] Columns = DeliveryOrderFields.Columns.Select(c => c.Path).ToArray();

    private readonly string runId = seed.ToString("x", CultureInfo.InvariantCulture);

    public int Invalid { get; private set; }

    public byte[] Csv(int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder(count * 200);
        text.AppendJoin(',', Columns).Append("\r\n");
        Invalid = 0;
        for (var i = 0; i < count; i++)
        {
            var values = Row(random, i);
            text.AppendJoin(',', Columns.Select(c => Quote(values.GetValueOrDefault(c)))).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The same rows as <see cref="Csv"/>, as an XLSX workbook (MiniExcel; every cell text, as the template's).</summary>
    public byte[] Xlsx(int count)
    {
        var random = new Random(seed);
        Invalid = 0;
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var values = Row(random, i);
            return Columns.ToDictionary(c => c, c => (object?)values.GetValueOrDefault(c));
        });
        using var buffer = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(buffer, rows, excelType: MiniExcelLibs.ExcelType.XLSX);
        return buffer.ToArray();
    }

    public string Order(int i)
    {
        var values = Row(new Random(seed + i), i, allowInvalid: false);
        var json = new Dictionary<string, object?>();
        foreach (var (path, value) in values)
        {
            var field = DeliveryOrderFields.Columns.First(c => c.Path == path);
            object? typed = field.Kind switch
            {
                FieldKind.Number => decimal.Parse(value!, CultureInfo.InvariantCulture),
                FieldKind.Boolean => bool.Parse(value!),
                _ => value,
            };
            var parts = path.Split('.');
            var node = json;
            foreach (var part in parts[..^1])
            {
                node = (Dictionary<string, object?>)(node.TryGetValue(part, out var child) ? child! : node[part] = new Dictionary<string, object?>());
            }

            node[parts[^1]] = typed;
        }

        return JsonSerializer.Serialize(json);
    }

    private Dictionary<string, string?> Row(Random random, int i, bool allowInvalid = true)
    {
        var (country, postalCode, state, city, zone) = random.Next(4) switch
        {
            0 => ("mx", (1000 + random.Next(16000)).ToString("00000", CultureInfo.InvariantCulture), "Ciudad de México", "Ciudad de México", "America/Mexico_City"),
            1 => ("mx", (44100 + random.Next(1900)).ToString("00000", CultureInfo.InvariantCulture), "Jalisco", "Guadalajara", "America/Mexico_City"),
            2 => ("mx", (64000 + random.Next(4000)).ToString("00000", CultureInfo.InvariantCulture), "Nuevo León", "Monterrey", "America/Monterrey"),
            _ => ("co", (110111 + random.Next(1888)).ToString(CultureInfo.InvariantCulture), "Bogotá D.C.", "Bogotá", "America/Bogota"),
        };
        var dropoff = NextOperatingDay(zone, 9 + random.Next(8), 1 + random.Next(2));
        var row = new Dictionary<string, string?>
        {
            ["recipientLocation.country"] = country,
            ["recipientLocation.state"] = state,
            ["recipientLocation.city"] = city,
            ["recipientLocation.neighborhood"] = Neighborhoods[random.Next(Neighborhoods.Length)],
            ["recipientLocation.street"] = Streets[random.Next(Streets.Length)],
            ["recipientLocation.exteriorNumber"] = (1 + random.Next(999)).ToString(CultureInfo.InvariantCulture),
            ["recipientLocation.postalCode"] = postalCode,
            ["recipientInformation.name"] = Names[random.Next(Names.Length)],
            ["recipientInformation.phone"] = $"+52 55 {random.Next(1000, 9999)} {random.Next(1000, 9999)}",
            ["packageInformation.weight"] = (0.1m + (random.Next(200) / 10m)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.length"] = (5 + random.Next(60)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.width"] = (5 + random.Next(40)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.height"] = (2 + random.Next(30)).ToString(CultureInfo.InvariantCulture),
            ["shipperDropoffDate"] = Iso(dropoff),
            ["expectedDeliveryDate"] = Iso(dropoff.AddDays(1 + random.Next(5))),
        };
        if (country == "mx")
        {
            row["packageInformation.cartaPorte.productKey"] = "53111600";
            row["packageInformation.cartaPorte.unitKey"] = "H87";
            row["packageInformation.cartaPorte.quantity"] = "1";
            row["packageInformation.cartaPorte.hazardousMaterial"] = "false";
        }

        if (i % 2 == 0)
        {
            row["shipperTrackingId"] = $"B{runId}-{i}";
        }

        if (allowInvalid && random.Next(100) < invalidPercent)
        {
            Invalid++;
            switch (random.Next(4))
            {
                case 0: row["recipientLocation.street"] = null; break;
                case 1: row["recipientInformation.phone"] = "12"; break;
                case 2: (row["recipientLocation.country"], row["recipientLocation.postalCode"]) = ("co", "033002"); row.Remove("packageInformation.cartaPorte.productKey"); break;
                default: row["packageInformation.weight"] = "45"; break;
            }
        }

        return row;
    }

    private static DateTimeOffset NextOperatingDay(string timeZone, int hour, int daysAhead)
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

    private static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Quote(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
