using Cargamos.Modular.Application.Spreadsheets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>Wakes the processor of this process when a lot was uploaded here (other instances find it when they poll).</summary>
internal sealed class IntegrationLotSignal : IIntegrationLotSignal, IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> Wait(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    public void Dispose() => signal.Dispose();
}

/// <summary>
/// Processes uploaded lots one at a time: claims the oldest lot that is RECEIVED, or PROCESSING with an expired lease (its
/// processor died: the lot resumes after its last committed batch), processes it, and looks again; between lots it
/// sleeps until an upload signals or <see cref="SpreadsheetOptions.PollInterval"/> passes.
/// </summary>
internal sealed class IntegrationLotWorker(
    IServiceScopeFactory scopes, IIntegrationLotStore lots, IntegrationLotSignal signal, SpreadsheetOptions options, ILogger<IntegrationLotWorker> logger)
    : BackgroundService
{
    private readonly string owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.ProcessorEnabled)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lot = await lots.ClaimNext(owner, options.Lease, stoppingToken);
                if (lot is null)
                {
                    await signal.Wait(options.PollInterval, stoppingToken);
                    continue;
                }

                await Process(lot, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The lot keeps its lease until it expires, then is claimed again (up to MaxAttempts).
                logger.LogError(e, "Integration lot processing failed; it will be retried after its lease expires.");
                await Task.Delay(options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task Process(ClaimedLot lot, CancellationToken ct)
    {
        if (lot.Attempts > options.MaxAttempts)
        {
            await lots.Finish(lot, LotStatuses.Failed,
            [
                new("PROCESSING_FAILED", "The lot could not be processed.",
                    $"Processing stopped with an error {options.MaxAttempts} times; the rows processed before ({lot.Lot.ProcessedRows}) keep their results. Upload the file again to retry the rest: rows already created answer ALREADY_EXISTS.",
                    null, "server"),
            ], ct);
            return;
        }

        logger.LogInformation("Processing integration lot {LotId}: {Processed} of {Total} rows done (attempt {Attempt}).",
            lot.Lot.LotId, lot.Lot.ProcessedRows, lot.Lot.TotalRows, lot.Attempts);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<IntegrationLotProcessor>().Process(lot, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the batch in flight was rolled back; give the lot up so that a restart resumes it at once.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await lots.Release(lot, timeout.Token);
            logger.LogInformation("Integration lot {LotId} released at shutdown; it resumes where it stopped.", lot.Lot.LotId);
            throw;
        }
    }
}
