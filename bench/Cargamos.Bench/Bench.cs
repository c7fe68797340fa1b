using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Cargamos.Modular.Bench;

/// <summary>The command line: <c>--quick</c> for a smoke run, sizes per scenario, <c>--only a,b</c> to pick scenarios.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] Scenarios = ["intake", "spreadsheets", "open-loop", "tracking", "carrier", "webhook-lag", "webhook-recovery", "backlog", "rebuild"];

    private readonly string[] args;

    public BenchOptions(string[] args)
    {
        this.args = args;
        Quick = args.Contains("--quick");
        Only = Text("--only") is { } only ? only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : Scenarios;
        var unknown = Only.Except(Scenarios).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Scenarios)}.");
        }

        Requests = Number("--requests", Quick ? 400 : 3_000);
        SerialRequests = Number("--serial-requests", Quick ? 150 : 1_000);
        OpenSeconds = Number("--open-seconds", Quick ? 5 : 20);
        Backlog = Number("--backlog", 100_000);
        Recovery = Number("--recovery", Quick ? 2_000 : 20_000);
        RebuildEvents = Number("--rebuild-events", Quick ? 30_000 : 200_000);
        Rows = Number("--rows", Quick ? 10_000 : 100_000);
        Seed = Number("--seed", 20261128);
        InvalidPercent = Number("--invalid-percent", 2);
        ApiOrders = Number("--api-orders", Quick ? 300 : 2_000);
        ApiConcurrency = Number("--api-concurrency", 8);
        Xlsx = args.Contains("--xlsx");
        PgStatements = args.Contains("--pg-statements");
        PgSettings = Text("--pg-settings")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    }

    /// <summary>PostgreSQL settings for the throwaway cluster (<c>--pg-settings shared_buffers=1GB,work_mem=8MB</c>).</summary>
    public string[] PgSettings { get; }

    public bool Quick { get; }

    public string[] Only { get; }

    /// <summary>Requests per closed-loop run at concurrency 8 and 32 (and the reads, updates, backlog runs).</summary>
    public int Requests { get; }

    /// <summary>Requests of the concurrency-1 run.</summary>
    public int SerialRequests { get; }

    public int OpenSeconds { get; }

    public int Backlog { get; }

    /// <summary>Messages waiting for a retry when the receiver answers again (the recovery scenario).</summary>
    public int Recovery { get; }

    public int RebuildEvents { get; }

    public int Rows { get; }

    public int Seed { get; }

    public int InvalidPercent { get; }

    public int ApiOrders { get; }

    public int ApiConcurrency { get; }

    public bool Xlsx { get; }

    /// <summary>Print, after each scenario, the statements PostgreSQL spent the most time on (pg_stat_statements).</summary>
    public bool PgStatements { get; }

    public bool Runs(string scenario) => Only.Contains(scenario);

    private string? Text(string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private int Number(string name, int fallback) => Text(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>What the scenarios share: the API and its shipper client, the baseline, the database, results so far.</summary>
internal sealed class Bench(BenchOptions options, BenchApi api, HttpClient shipper, Baseline baseline, string connectionString)
{
    private int seed = 1_000_000 + Random.Shared.Next(1_000_000);

    public BenchOptions Options => options;

    public BenchApi Api => api;

    public HttpClient Shipper => shipper;

    public Baseline Baseline => baseline;

    public string ConnectionString => connectionString;

    public List<Row> Rows { get; } = [];

    /// <summary>
    /// The highest intake rate of the closed-loop runs, and the raw endpoint's rate at the highest concurrency (the
    /// open-loop runs take fractions of them; see <see cref="IntakeScenario.ClosedLoop"/>).
    /// </summary>
    public double IntakeMax { get; set; }

    public double RawMax { get; set; }

    /// <summary>The concurrency-8 results, for scenarios compared with them.</summary>
    public LoadResult? IntakeC8 { get; set; }

    public LoadResult? RawC8 { get; set; }

    /// <summary>Orders nobody sent before (their shipperTrackingIds are new).</summary>
    public OrderFile NewOrders() => new(Interlocked.Increment(ref seed), 0);

    public void Add(Row row)
    {
        Rows.Add(row);
        Console.WriteLine($"  -> {row.Scenario}: {row.Ratio} | {row.Result} | raw {row.Baseline} | target {row.Target} | {row.Met}");
    }

    public static void Check(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
        }
    }

    /// <summary>
    /// Runs <paramref name="round"/> (one round of warm-up requests, both paths) until the JIT has settled: tiered
    /// compilation recompiles hot methods in the background (twice with dynamic PGO) on the same two cores, for up to a
    /// minute after a large app starts, so a run measured before that measures the compiler. Settled: a round compiled
    /// fewer than <see cref="SettledMethods"/> methods; at most <paramref name="limit"/> of rounds. Prints what it took.
    /// </summary>
    public static async Task WarmUntilSettled(string what, Func<int, Task> round, TimeSpan? limit = null, Func<Task<long>>? compiledMethods = null)
    {
        // This process's JIT, unless the path runs in another process (which then says how many methods it compiled).
        compiledMethods ??= () => Task.FromResult(System.Runtime.JitInfo.GetCompiledMethodCount());
        var watch = Stopwatch.StartNew();
        var deadline = limit ?? TimeSpan.FromSeconds(90);
        var rounds = 0;
        long compiled;
        do
        {
            var before = await compiledMethods();
            await round(rounds++);
            compiled = await compiledMethods() - before;
        }
        while (compiled >= SettledMethods && watch.Elapsed < deadline);

        Console.WriteLine($"  warm-up ({what}): {rounds} rounds in {watch.Elapsed.TotalSeconds:0} s, {compiled} methods compiled in the last " +
            (compiled >= SettledMethods ? "(limit reached, not settled)" : "(settled)"));
    }

    /// <summary>A warm-up round that compiles fewer methods than this leaves the JIT settled.</summary>
    public const int SettledMethods = 20;

    /// <summary>
    /// True (and counted) when the API shed the request: 503 SERVICE_UNAVAILABLE from its concurrency limit, which an
    /// open loop above the API's capacity meets; the run then reports how many instead of failing.
    /// </summary>
    public static bool Shed(HttpResponseMessage response, ref int shed)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return false;
        }

        Interlocked.Increment(ref shed);
        return true;
    }

    public static string ShedNote(int shed) => shed == 0 ? "" : $"; {shed:N0} shed (503, over capacity)";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " ms";

    public static string Load(LoadResult r) => $"{r.Rate:N0} req/s, p50 {Ms(r.P50)}, p99 {Ms(r.P99)}{(r.Cpu is { } cpu ? "; " + cpu.PerCall(r.Count) : "")}";

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string Met(bool met) => met ? "OK" : "MISSED";
}

/// <summary>One line of the results table.</summary>
internal sealed record Row(string Scenario, string Ratio, string Result, string Baseline, string Target, string Met);
