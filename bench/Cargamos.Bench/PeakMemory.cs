using System.Diagnostics;

namespace Cargamos.Modular.Bench;

/// <summary>A process's working set (this one's by default), sampled every 50 ms while running.</summary>
internal sealed class PeakMemory(Process? sampled = null) : IDisposable
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
            using var own = sampled is null ? Process.GetCurrentProcess() : null;
            var process = sampled ?? own!;
            while (!token.IsCancellationRequested)
            {
                process.Refresh();
                if (process.WorkingSet64 > max)
                {
                    max = process.WorkingSet64;
                    CommittedAtPeak = sampled is null ? GC.GetGCMemoryInfo().TotalCommittedBytes : 0;
                }
                await Task.Delay(50, CancellationToken.None);
            }

            return max;
        });
    }

    /// <summary>The GC's committed bytes when the peak was sampled.</summary>
    public long CommittedAtPeak { get; private set; }

    public long Stop()
    {
        stop!.Cancel();
        return sampling!.Result;
    }

    public void Dispose() => stop?.Dispose();
}

