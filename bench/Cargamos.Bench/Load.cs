using System.Diagnostics;

namespace Cargamos.Modular.Bench;

/// <summary>What one load run measured: requests, wall time and each request's latency (ms).</summary>
internal sealed record LoadResult(int Count, TimeSpan Elapsed, double[] LatenciesMs)
{
    /// <summary>CPU spent during the run (process and PostgreSQL), when measured.</summary>
    public CpuUse? Cpu { get; init; }

    public double Rate => Count / Elapsed.TotalSeconds;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs.Max();

    private double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}

/// <summary>Closed-loop (N workers, each waiting for its answer) and open-loop (a fixed arrival rate) load.</summary>
internal static class Load
{
    /// <summary>
    /// <paramref name="total"/> calls by <paramref name="concurrency"/> workers; worker w makes calls w, w+c, w+2c… in
    /// order, so a scenario can give each worker its own shipments.
    /// </summary>
    public static async Task<LoadResult> Closed(int total, int concurrency, Func<int, Task> call)
    {
        var latencies = new double[total];
        var cpu = CpuMeter.Current?.Sample();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < total; i += concurrency)
            {
                var start = Stopwatch.GetTimestamp();
                await call(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        watch.Stop();
        return new LoadResult(total, watch.Elapsed, latencies) { Cpu = CpuMeter.Since(cpu) };
    }

    /// <summary>
    /// Calls started at a fixed <paramref name="rate"/> for <paramref name="duration"/>, whatever the answers do; each latency
    /// counts from the call's scheduled start (so a stall is not hidden by the client waiting: no coordinated omission).
    /// The pacer does not spin: every millisecond or so it starts the calls whose time has come (a spinning pacer took one
    /// of the machine's two cores away from the server it measured, and made both paths collapse below their capacity).
    /// </summary>
    public static async Task<LoadResult> Open(double rate, TimeSpan duration, Func<int, Task> call)
    {
        var total = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var latencies = new double[total];
        var calls = new Task[total];
        var cpu = CpuMeter.Current?.Sample();
        var start = Stopwatch.GetTimestamp();
        var ticksPerCall = Stopwatch.Frequency / rate;
        var next = 0;
        while (next < total)
        {
            var now = Stopwatch.GetTimestamp();
            for (; next < total && start + (long)(next * ticksPerCall) <= now; next++)
            {
                var index = next;
                var due = start + (long)(index * ticksPerCall);
                calls[index] = Task.Run(async () =>
                {
                    await call(index);
                    latencies[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                });
            }

            if (next < total)
            {
                await Task.Delay(1);
            }
        }

        await Task.WhenAll(calls);
        return new LoadResult(total, Stopwatch.GetElapsedTime(start), latencies) { Cpu = CpuMeter.Since(cpu) };
    }
}
