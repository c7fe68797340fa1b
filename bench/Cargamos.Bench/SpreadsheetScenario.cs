using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>
/// Spreadsheet integration end to end: a generated file of <see cref="BenchOptions.Rows"/> rows (seed, invalid share, CSV or
/// XLSX) uploaded to POST /v1/integration-lots and processed to COMPLETED; rows/s and the process's working set sampled
/// during the lot, against the raw INSERT rate at concurrency 8 (and the single-order API path, as before).
/// </summary>
internal static class SpreadsheetScenario
{
    public static async Task Run(Bench bench)
    {
        var options = bench.Options;

        // The lot is processed by the API in a process of its own, whose working set is the API's alone (in this process
        // it would include the load client, the raw baseline app and the benchmark's copy of the file).
        await using var api = await ApiProcess.StartAsync(bench.ConnectionString);
        var client = api.Client;
        client.DefaultRequestHeaders.Authorization = bench.Shipper.DefaultRequestHeaders.Authorization;

        // Warm-up (as the other scenarios'): lots until the API process's JIT has settled on the spreadsheet
        // path's code (the CSV reader, the row checks, the batch writer), so that the lot measures it and not its tiered compilation.
        // Lots of 10,000 rows: long enough for the JIT to reach the lot's loops as a long lot does (on-stack replacement, tier 1),
        // with the measured lot's share of invalid rows, so that the refusals' code is compiled before the lot too.
        await WarmUntilSettled("spreadsheets", async round => await RunLot(client, new OrderFile(options.Seed + 2 + round, options.InvalidPercent).Csv(options.Quick ? 2_000 : 10_000), "warm-up.csv"),
            options.Quick ? TimeSpan.FromSeconds(10) : null, api.CompiledMethods);

        // The single-order API path, as the spreadsheet benchmark has always compared with.
        var (apiPath, _) = await IntakeScenario.Api(bench, options.ApiOrders, options.ApiConcurrency);
        var raw = bench.RawC8 ?? await IntakeScenario.Raw(bench, options.Requests, 8);

        // Three lots of different files (the first from --seed), each measured alone: this machine is shared, and one lot
        // can fall into a busy minute of its neighbours. The table shows the median lot's rate and the highest peak.
        var lots = new List<LotRun>();
        for (var i = 0; i < (options.Quick ? 1 : 3); i++)
        {
            lots.Add(await MeasureLot(api, options, options.Seed + 1_000 * i, apiPath.Rate));
        }

        var median = lots.OrderBy(l => l.Rate).ElementAt(lots.Count / 2);
        var peakMb = lots.Max(l => l.PeakMb);
        var each = lots.Count > 1 ? $" (median of {lots.Count} lots: {string.Join(", ", lots.Select(l => $"{l.Rate:N0}"))} rows/s)" : "";
        bench.Add(new Row($"spreadsheet lot, {options.Rows:N0} rows", Ratio(median.Rate / raw.Rate),
            $"{median.Rate:N0} rows/s{each}, {peakMb:N0} MB peak working set (the API's process)", $"{raw.Rate:N0} inserts/s (c=8)", ">= 10,000 rows/s, < 300 MB",
            Met(median.Rate >= 10_000 && peakMb < 300)));
    }

    private sealed record LotRun(double Rate, long PeakMb);

    /// <summary>One lot of <see cref="BenchOptions.Rows"/> rows from <paramref name="seed"/>, uploaded and processed to COMPLETED, with what it cost.</summary>
    private static async Task<LotRun> MeasureLot(ApiProcess api, BenchOptions options, int seed, double apiPathRate)
    {
        var client = api.Client;
        var file = new OrderFile(seed, options.InvalidPercent);
        var content = options.Xlsx ? file.Xlsx(options.Rows) : file.Csv(options.Rows);
        Console.WriteLine($"  spreadsheet: {content.Length / 1024.0 / 1024.0:F1} MB, {options.Rows:N0} rows of {(options.Xlsx ? "XLSX" : "CSV")} (seed {seed}), {file.Invalid:N0} invalid by construction");
        api.Process.Refresh();
        Console.WriteLine($"  spreadsheet: the API process's working set before the lot {api.Process.WorkingSet64 / 1024 / 1024:N0} MB");
        using var peak = new PeakMemory(api.Process);
        var jitBefore = await api.JitTime();
        var allocatedBefore = await api.AllocatedBytes();
        peak.Start();
        api.Process.Refresh();
        var (apiCpuBefore, pgCpuBefore) = (api.Process.TotalProcessorTime, CpuMeter.Current?.Sample().Postgres ?? TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        var lotId = await Upload(client, content, options.Xlsx ? "bench.xlsx" : "bench.csv");
        var uploaded = watch.Elapsed;
        content = null!;
        var elapsed = await Completed(client, lotId, watch);
        var duringLot = peak.Stop() / 1024 / 1024;
        api.Process.Refresh();
        var (apiCpu, pgCpu) = (api.Process.TotalProcessorTime - apiCpuBefore, (CpuMeter.Current?.Sample().Postgres ?? TimeSpan.Zero) - pgCpuBefore);
        Console.WriteLine($"  spreadsheet: CPU per row from the upload to COMPLETED: the API process {apiCpu.TotalMicroseconds / options.Rows:N0} us + PostgreSQL {pgCpu.TotalMicroseconds / options.Rows:N0} us");
        Console.WriteLine($"  spreadsheet: the API process's JIT compiled for {(await api.JitTime() - jitBefore).TotalSeconds:F2} s during the lot; it allocated {(await api.AllocatedBytes() - allocatedBefore) / options.Rows / 1024.0:F1} KB per row");
        var lot = await Lot(client, lotId);
        var rate = options.Rows / elapsed.TotalSeconds;
        var processing = (lot.GetProperty("finishedAt").GetDateTimeOffset() - lot.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
        var created = lot.GetProperty("created").GetInt32();
        var rejected = lot.GetProperty("rejected").GetInt32();
        Console.WriteLine($"  spreadsheet: {options.Rows:N0} rows in {elapsed.TotalSeconds:F2} s from upload to COMPLETED = {rate:N0} rows/s (the upload {uploaded.TotalSeconds:F2} s; processing alone {processing:F2} s = {options.Rows / processing:N0} rows/s); created {created:N0}, rejected {rejected:N0}; {rate / apiPathRate:F2}x the API path ({apiPathRate:N0} orders/s at concurrency {options.ApiConcurrency}); the API process's peak working set {duringLot:N0} MB");
        if (created + rejected != options.Rows || rejected != file.Invalid)
        {
            throw new InvalidOperationException($"Expected {options.Rows - file.Invalid} created and {file.Invalid} rejected.");
        }

        return new LotRun(rate, duringLot);
    }

    private static async Task<(TimeSpan Elapsed, JsonElement Lot)> RunLot(HttpClient client, byte[] file, string name)
    {
        var watch = Stopwatch.StartNew();
        var lotId = await Upload(client, file, name);
        return (await Completed(client, lotId, watch), await Lot(client, lotId));
    }

    private static async Task<long> Upload(HttpClient client, byte[] file, string name)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", name } };
        using var upload = await client.PostAsync("/v1/integration-lots", form);
        Check(upload, HttpStatusCode.Accepted);
        return (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("lotId").GetInt64();
    }

    /// <summary>Polls the lot every 100 ms until COMPLETED: the time since <paramref name="since"/> started.</summary>
    private static async Task<TimeSpan> Completed(HttpClient client, long lotId, Stopwatch since)
    {
        while (true)
        {
            var lot = await Lot(client, lotId);
            switch (lot.GetProperty("status").GetString())
            {
                case "COMPLETED":
                    return since.Elapsed;
                case "FAILED":
                    throw new InvalidOperationException($"Lot {lotId} failed: {lot}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> Lot(HttpClient client, long lotId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/v1/integration-lots/{lotId}")).GetProperty("data");
}
