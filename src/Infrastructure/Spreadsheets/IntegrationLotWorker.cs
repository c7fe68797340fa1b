using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Spreadsheets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Infrastructure.Common;

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
/// sleeps until an upload signals or <see cref="SpreadsheetOptions.PollInterval"/> passes. A shutdown, the database
/// failing or the lease lost give the lot back at once without counting an attempt; only an error of the lot itself
/// counts toward <see cref="SpreadsheetOptions.MaxAttempts"/>.
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
        try
        {
            await Run(stoppingToken);
        }
        finally
        {
            // Whatever the shutdown interrupted (even a claim committed as its answer was being read): given back, not counted.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await lots.ReleaseOwned(owner, timeout.Token);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Integration lots of {Owner} not released at shutdown; their leases expire", owner);
            }
        }
    }

    private async Task Run(CancellationToken stoppingToken)
    {
        var unavailable = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            ClaimedLot? lot = null;
            try
            {
                lot = await lots.ClaimNext(owner, options.Lease, stoppingToken);
                if (unavailable)
                {
                    logger.LogInformation("The database is back: integration lots are processed again.");
                    unavailable = false;
                }

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
            catch (Exception e) when (DatabaseUnavailability.Is(e) || e is LotLeaseLostException)
            {
                // Not the lot's fault: give the lease back without counting the attempt (when the database takes it; if
                // not, this processor claims its own lot again first, without a new attempt) and try again shortly.
                if (!unavailable && e is not LotLeaseLostException)
                {
                    logger.LogWarning("The database is unavailable ({Error}); integration lots wait and resume when it is back.", e.GetBaseException().Message);
                    unavailable = true;
                }

                await GiveBack(lot, countAttempt: false);
                await WorkerDelay.Pause(Retry, stoppingToken);
            }
            catch (Exception e)
            {
                // An error of the lot itself: the attempt counts (up to MaxAttempts), and the lot is claimable again at once.
                logger.LogError(e, "Integration lot {LotId} processing failed (attempt {Attempt} of {Max}).", lot?.Lot.LotId, lot?.Attempts, options.MaxAttempts);
                await GiveBack(lot, countAttempt: true);
                await WorkerDelay.Pause(options.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>How soon the worker tries again after the database failed it: it resumes within about this long of the database's return.</summary>
    internal static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(500);

    private async Task GiveBack(ClaimedLot? lot, bool countAttempt)
    {
        if (lot is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await lots.Release(lot, countAttempt, timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Integration lot {LotId} not released; its processor claims it again first, or its lease expires", lot.Lot.LotId);
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
        // One span per lot and processor: its batches' database calls are its children.
        using var activity = CargamosMetrics.ActivitySource.StartActivity("integration_lot.process");
        activity?.SetTag("cargamos.lot.id", lot.Lot.LotId);
        activity?.SetTag("cargamos.lot.total_rows", lot.Lot.TotalRows);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<IntegrationLotProcessor>().Process(lot, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the batch in flight was rolled back; give the lot up so that a restart resumes it at once.
            await GiveBack(lot, countAttempt: false);
            logger.LogInformation("Integration lot {LotId} released at shutdown; it resumes where it stopped.", lot.Lot.LotId);
            throw;
        }
    }
}
