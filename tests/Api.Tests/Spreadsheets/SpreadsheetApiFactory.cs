using System.Runtime.CompilerServices;
using Cargamos.Modular.Api.Tests.Infrastructure;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// The API with spreadsheet settings for tests (small batches, a short lease, fast polling). <see cref="OnDatabase"/> runs
/// another API process over the same database, so it can resume the lots a first one left.
/// </summary>
public class SpreadsheetApiFactory : ApiFactory
{
    public SpreadsheetApiFactory() => UseTestSettings();

    protected SpreadsheetApiFactory(string existingDatabase)
        : base(existingDatabase) => UseTestSettings();

    protected override string DatabasePrefix => "spreadsheets";

    /// <summary>Another API process over the same database; call <see cref="ApiFactory.StartAsync"/> on it, dispose it when done.</summary>
    public static SpreadsheetApiFactory OnDatabase(string connectionString) => new(connectionString);

    private void UseTestSettings()
    {
        Settings["Spreadsheets:BatchSize"] = "3";
        Settings["Spreadsheets:PollInterval"] = "00:00:00.100";
        Settings["Spreadsheets:Lease"] = "00:00:01";
    }
}

/// <summary>Small limits: 4 KB and 5 rows per file.</summary>
public sealed class SmallLimitsApiFactory : SpreadsheetApiFactory
{
    public SmallLimitsApiFactory()
    {
        Settings["Spreadsheets:MaxFileBytes"] = "4096";
        Settings["Spreadsheets:MaxRows"] = "5";
    }
}

/// <summary>A lease of 10 minutes: a lot that fails a batch is not retried within a test.</summary>
public sealed class LongLeaseApiFactory : SpreadsheetApiFactory
{
    public LongLeaseApiFactory() => Settings["Spreadsheets:Lease"] = "00:10:00";
}

/// <summary>
/// A processor that dies inside a batch's transaction: after <paramref name="batchesBeforeCrash"/> committed shipment
/// creations, every later one hangs after its statements ran and before its commit, until the host stops, and then fails
/// (not as a cancellation, so the lot is not released: it resumes only once its lease expires, as after a real crash).
/// Batches are written one at a time, so the crash always falls on the same batch.
/// </summary>
public sealed class CrashingSpreadsheetApiFactory : SpreadsheetApiFactory
{
    private readonly int batchesBeforeCrash;

    public CrashingSpreadsheetApiFactory(int batchesBeforeCrash)
    {
        this.batchesBeforeCrash = batchesBeforeCrash;
        Settings["Spreadsheets:WriteConcurrency"] = "1";
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.ConfigureMarten(options => options.Listeners.Add(new CrashBeforeCommit(batchesBeforeCrash)));
    }

    private sealed class CrashBeforeCommit(int survivors) : DocumentSessionListenerBase
    {
        private readonly ConditionalWeakTable<IDocumentSession, object> doomed = [];
        private int creations;

        public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
        {
            if (session.PendingChanges.Streams().Any(s => s.ActionType == StreamActionType.Start) && Interlocked.Increment(ref creations) > survivors)
            {
                doomed.AddOrUpdate(session, new object());
            }

            return Task.CompletedTask;
        }

        // Called once the session's statements ran in the creation's transaction, which commits only after this returns.
        public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
        {
            if (!doomed.TryGetValue(session, out _))
            {
                return;
            }

            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
            throw new InvalidOperationException("Simulated crash: the process died before this batch's commit.");
        }
    }
}
