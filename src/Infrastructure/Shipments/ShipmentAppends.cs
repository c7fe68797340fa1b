using System.Diagnostics;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Infrastructure.Common;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>
/// Appends to existing shipment streams, written together (docs/adr/006-grouped-appends.md): a decision's events and the
/// inline projections' documents folded from the documents read for it are prepared on the deciding request
/// (<see cref="BulkStreamWriter.PrepareAppend"/>), the store's listeners run on its session as before a save (the webhook
/// outbox queues its rows), then the appends that arrive meanwhile are written in one round trip
/// (<see cref="CommitGroups{TItem,TOutcome}"/>, as API orders are, ADR 004): one multi-row statement per table and the
/// queued SQL, one implicit transaction. Another writer's append to the same stream makes the primary key of
/// <c>mt_events</c> refuse the group; each of its updates is then decided again on fresh state and saved on its own
/// (<see cref="AppendOutcome.DecideAgain"/>).
/// </summary>
internal sealed class ShipmentAppends
{
    private readonly BulkStreams streams;
    private readonly IDocumentStore store;
    private readonly CargamosMetrics metrics;
    private readonly CommitGroups<Append, bool> groups;

    public ShipmentAppends(IDocumentStore store, BulkStreams streams, IOptions<ShipmentAppendOptions> options, CargamosMetrics metrics)
    {
        this.store = store;
        this.streams = streams;
        this.metrics = metrics;
        groups = new CommitGroups<Append, bool>(WriteTogether, options.Value.Writers, options.Value.MaxAppendsPerCommit);
    }

    /// <summary>What became of an append handed to <see cref="Write"/>.</summary>
    public enum AppendOutcome
    {
        /// <summary>Written and committed; the listeners' after-commit ran.</summary>
        Written,

        /// <summary>Nothing was done: save the session as usual (the store is not one the bulk writer writes).</summary>
        SaveSession,

        /// <summary>Not written, and the session must not be saved (its events were prepared): decide again in a new session, saved on its own.</summary>
        DecideAgain,
    }

    /// <summary>Appends queued for the next group (not yet taken by a writer).</summary>
    public int Waiting => groups.Queued;

    private sealed record Append(BulkStreamWriter.PreparedStream Stream, IDocumentSession Session);

    /// <summary>
    /// Writes the one stream <paramref name="session"/> appended to (fetched for writing), its inline documents folded from
    /// <paramref name="snapshots"/>, with the appends of other requests that arrive meanwhile.
    /// </summary>
    public async Task<AppendOutcome> Write(IDocumentSession session, IReadOnlyDictionary<Type, object?> snapshots, CancellationToken ct)
    {
        if (await streams.Writer(null, ct) is not { } writer || session.PendingChanges.Streams().ToList() is not [var stream]
            || !BulkStreamWriter.OnlyQueuedSql(session))
        {
            return AppendOutcome.SaveSession;
        }

        if (await writer.PrepareAppend(session, stream, snapshots, ct) is not { } prepared)
        {
            return AppendOutcome.DecideAgain;
        }

        await streams.BeforeStatements(session, ct);
        if (!BulkStreamWriter.OnlyQueuedSql(session) || !await groups.Submit(new Append(prepared, session)))
        {
            return AppendOutcome.DecideAgain;
        }

        // Written: the listeners' after-commit runs whatever became of the request.
        await streams.AfterStatements(session, CancellationToken.None);
        return AppendOutcome.Written;
    }

    /// <summary>
    /// Appends that arrived together in one round trip, sent as one batch without an explicit transaction (PostgreSQL runs a
    /// batch as one implicit transaction). A group holds at most one append per stream: the decisions of one shipment take
    /// turns in a process (<see cref="ShipmentTurns"/>), the next one deciding only after this append is written. The
    /// streams go in by id, so two groups never wait for each other's events in opposite orders. False for every append of the group (each decided
    /// again, saved on its own) when a unique index refused it (another writer appended first) or PostgreSQL chose it as
    /// a deadlock's victim; any other failure (an outage) is every append's.
    /// </summary>
    private async Task<IReadOnlyList<bool>> WriteTogether(IReadOnlyList<Append> group)
    {
        // Not one request's token: the group is several requests' write.
        var ct = CancellationToken.None;
        var started = Stopwatch.GetTimestamp();
        var outcome = CargamosMetrics.GroupOutcomes.Failed;
        var ordered = group.OrderBy(a => a.Stream.Stream.Id).ToList();
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var batch = new NpgsqlBatch(connection);
            var writer = (await streams.Writer(connection, ct))!;
            writer.AddAppends(batch, ordered.ConvertAll(a => a.Stream));
            foreach (var append in ordered)
            {
                BulkStreamWriter.AddQueuedSql(batch, append.Session);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                outcome = CargamosMetrics.GroupOutcomes.Separately;
                return new bool[group.Count];
            }

            outcome = CargamosMetrics.GroupOutcomes.Written;
            return Enumerable.Repeat(true, group.Count).ToArray();
        }
        finally
        {
            metrics.AppendGroupWritten(group.Count, Stopwatch.GetElapsedTime(started), outcome);
        }
    }
}

/// <summary>
/// How shipment updates are appended together (<c>Shipments:*</c>; docs/adr/006-grouped-appends.md): at most
/// <see cref="Writers"/> groups in flight at once, each of at most <see cref="MaxAppendsPerCommit"/> updates.
/// </summary>
public sealed class ShipmentAppendOptions
{
    public const string Section = "Shipments";

    /// <summary>Groups written at once (connections busy with appends): one per two cores by default, as for API orders.</summary>
    public int Writers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The most updates one group appends (one statement per table for all of them).</summary>
    public int MaxAppendsPerCommit { get; set; } = 64;

    /// <summary>False: every update is saved through its own Marten session, one at a time (as before ADR 006).</summary>
    public bool Grouped { get; set; } = true;
}
