using System.Diagnostics;

namespace Cargamos.Modular.Bench;

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

