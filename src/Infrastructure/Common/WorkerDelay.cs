namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>A background worker's wait before it tries again: it ends early, without throwing, when the worker is stopped.</summary>
internal static class WorkerDelay
{
    public static Task Pause(TimeSpan delay, CancellationToken ct) =>
        Task.Delay(delay, ct).ContinueWith(_ => { }, TaskScheduler.Default);
}
