using System.Globalization;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Options;
using JasperFx.Events;
using Npgsql;
using NpgsqlTypes;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Infrastructure.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Integration;

/// <summary>
/// The one place shipment streams are started, one transaction per creation (not the request's session: a lot's batches
/// are written concurrently). A lot of one (an API order, a VTEX service) is one batched commit: the order key, the stream
/// (Marten adds its inline projections, with the unique (shipper, trackingId) index, and the webhook outbox rows) and the
/// lot with its row. A spreadsheet batch writes its streams in bulk (<see cref="BulkStreamWriter"/>, docs/adr/002-bulk-stream-writes.md:
/// the rows a session would write, one statement per table) and adds its rows' results and the lot's progress, only while its
/// processor holds the lot's lease (checked by the rows the update touched), before the commit. Nothing is read first: when a
/// unique index refuses the transaction, the trackingIds found used become their rows' ALREADY_EXISTS (or the VTEX key found
/// stored is returned) and the rest is written again.
/// </summary>
internal sealed class MartenShipmentCreator : IShipmentCreator
{
    private readonly IDocumentStore documentStore;
    private readonly CargamosMetrics metrics;
    private readonly CommitGroups<GroupedOrder, bool> orders;
    private readonly BulkStreams streams;

    public MartenShipmentCreator(IDocumentStore documentStore, BulkStreams streams, IOptions<OrderWriteOptions> options, CargamosMetrics metrics)
    {
        this.documentStore = documentStore;
        this.streams = streams;
        this.metrics = metrics;
        orders = new CommitGroups<GroupedOrder, bool>(WriteTogether, options.Value.Writers, options.Value.MaxOrdersPerCommit);
    }

    /// <summary>
    /// An order (a lot of one without an order key) waiting to be written with the others that came at the same time: its
    /// stream prepared on its own session (<see cref="StageOrder"/>), which also holds what the listeners queued for it.
    /// </summary>
    private sealed record GroupedOrder(ShipmentCreation Creation, LotOfOne Lot, BulkStreamWriter.PreparedStream Stream, IDocumentSession Session, CreatedRow Row);

    // A row that lost a race is refused on the next attempt; more attempts are needed only if new races are lost meanwhile.
    private const int CreationAttempts = 3;

    private string TrackingTable => documentStore.Options.FindOrResolveDocumentType(typeof(ShipmentTracking)).TableName.QualifiedName;

    public async Task<ShipmentCreationResult> Create(ShipmentCreation creation, CancellationToken ct)
    {
        var refused = RepeatsWithin(creation);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateOnce(creation, refused, ct);
            }
            catch (Exception e) when (IsUniqueViolation(e))
            {
                // The whole transaction was rolled back. A concurrent retry of the same VTEX order committed first...
                if (creation.OrderKey is { } key && await IsStored(key, ct))
                {
                    return new ShipmentCreationResult([], OrderKeyTaken: true);
                }

                // ...or trackingIds were taken (before, or by a concurrent writer): their rows are refused, the others written again.
                if (!await RefuseUsed(creation, refused, ct) || attempt == CreationAttempts)
                {
                    throw;
                }
            }
        }
    }

    private async Task<ShipmentCreationResult> CreateOnce(ShipmentCreation creation, Dictionary<int, ErrorDetail> refused, CancellationToken ct)
    {
        var rows = creation.Rows
            .Select(r => r.Shipment is not null && refused.TryGetValue(r.Row, out var error) ? CreationRow.Refused(r.Row, [error]) : r)
            .ToList();
        var result = new ShipmentCreationResult(rows
            .Select(r => r.Shipment is { Created: var c } ? new CreatedRow(r.Row, c.ShipmentId, c.TrackingId, []) : new CreatedRow(r.Row, null, null, r.Errors))
            .ToList());
        if (creation.Lot is LotOfOne && result.Created == 0)
        {
            // A refused single order leaves no trace, as an order refused by the intake.
            return result;
        }

        if (creation.Lot is LotOfOne one)
        {
            // The common case, an API order: prepared here, then written with the orders that arrive meanwhile, in one
            // statement per table.
            if (creation.OrderKey is null)
            {
                await using var staging = documentStore.LightweightSession();
                if (await StageOrder(staging, creation, rows.Select(r => r.Shipment).OfType<NewShipment>().Single(), ct) is { } stream
                    && await orders.Submit(new GroupedOrder(creation, one, stream, staging, result.Rows[0])))
                {
                    // Written: the listeners' after-commit runs whatever became of the request.
                    await streams.AfterStatements(staging, CancellationToken.None);
                    return result;
                }
            }

            // An order with a key (a VTEX service), or one the group could not take: one batched commit of the key, the
            // stream with its inline projections and outbox rows, and the lot of one with its row.
            await using var session = documentStore.LightweightSession();
            Stage(session, creation, rows);
            var created = result.Rows[0];
            session.QueueSqlCommand($"""
                insert into {IntegrationLotSchema.Lots} (lot_id, source, shipper_id, status, shipper_lot_id, total_rows, processed_rows, last_row,
                    created, rejected, process_id, created_at, started_at, finished_at)
                values (?, ?, ?, '{LotStatuses.Completed}', ?, 1, 1, 1, 1, 0, ?, ?, ?, ?)
                """, one.LotId, one.Source, one.ShipperId, (object?)one.ShipperLotId ?? DBNull.Value, creation.ProcessId, one.At, one.At, one.At);
            session.QueueSqlCommand($"""
                insert into {IntegrationLotSchema.Rows} (lot_id, row_number, outcome, tracking_id, shipment_id, errors)
                values (?, ?, '{RowOutcomes.Created}', ?, ?, null)
                """, one.LotId, created.Row, created.TrackingId!, created.ShipmentId!.Value);
            await session.SaveChangesAsync(ct);
            return result;
        }

        var batch = (LotBatch)creation.Lot;
        await using var connection = documentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var bulk = await streams.Writer(connection, ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (bulk is null || creation.OrderKey is not null || !await CreateInBulk(bulk, creation, rows, result, connection, transaction, ct))
        {
            await using (var session = documentStore.LightweightSession(SessionOptions.ForTransaction(transaction)))
            {
                Stage(session, creation, rows);
                await session.SaveChangesAsync(ct);
            }

            await using var batchCommand = new NpgsqlBatch(connection, transaction);
            AddLotCommands(batchCommand, batch, result);
            await batchCommand.ExecuteNonQueryAsync(ct);
            CheckLease(batchCommand, batch);
        }

        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// A spreadsheet batch in one round trip (<see cref="BulkStreamWriter"/>): the streams, events and projected documents in
    /// one multi-row statement per table, then the rows' results and the lot's progress under the lease. The store's session
    /// listeners run as for a save (before it, with the new streams pending: the webhook outbox records its messages; after
    /// the statements, before the commit); what they queue is written in the same transaction. False, with nothing written,
    /// when a projection's answer needs a session.
    /// </summary>
    private async Task<bool> CreateInBulk(BulkStreamWriter bulk, ShipmentCreation creation, IReadOnlyList<CreationRow> rows,
        ShipmentCreationResult result, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var lot = (LotBatch)creation.Lot;

        await using var pending = documentStore.LightweightSession();
        pending.CorrelationId = creation.ProcessId;
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The documents' JSON in pooled memory, given back when this method returns: after the batch has run, or unused.
        using var json = new JsonArena();
        var (staged, queuedInBatch) = await StageInBulk(bulk, batch, pending, rows.Select(r => r.Shipment).OfType<NewShipment>(), json, ct);
        if (!staged)
        {
            return false;
        }

        AddLotCommands(batch, lot, result);

        // The same statements for every batch: prepared once per connection, not planned for each batch.
        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);
        CheckLease(batch, lot);

        if (!queuedInBatch && pending.PendingChanges.Operations().ToList() is { Count: > 0 } queued)
        {
            await using var session = documentStore.LightweightSession(SessionOptions.ForTransaction(transaction));
            foreach (var operation in queued)
            {
                session.QueueOperation(operation);
            }

            await session.SaveChangesAsync(ct);
        }

        await streams.AfterStatements(pending, ct);
        return true;
    }

    /// <summary>
    /// Starts <paramref name="shipments"/>' streams on <paramref name="pending"/> (never saved: it prepares the streams as a
    /// save would and shows them to the listeners), adds their rows to <paramref name="batch"/> and what the listeners
    /// queued when it can go there. Staged false, with nothing added, when a projection's answer needs a session;
    /// QueuedInBatch false when the listeners queued what must be saved through one.
    /// </summary>
    private async Task<(bool Staged, bool QueuedInBatch)> StageInBulk(BulkStreamWriter bulk, NpgsqlBatch batch, IDocumentSession pending,
        IEnumerable<NewShipment> shipments, JsonArena json, CancellationToken ct)
    {
        if (await Prepare(bulk, pending, shipments, ct, json) is not { } streams)
        {
            return (false, false);
        }

        if (streams.Count > 0)
        {
            bulk.Add(batch, streams);
        }

        return (true, BulkStreamWriter.AddQueuedSql(batch, pending));
    }

    /// <summary>
    /// An API order made ready for its group on <paramref name="staging"/> (never saved), on the request's own thread
    /// (<see cref="Prepare"/>). Null, with nothing written, when the order must be written through a session: the store's
    /// tables or a projection are not what the bulk writer writes, or a listener queued more than SQL.
    /// </summary>
    private async Task<BulkStreamWriter.PreparedStream?> StageOrder(IDocumentSession staging, ShipmentCreation creation, NewShipment shipment, CancellationToken ct)
    {
        if (await streams.Writer(null, ct) is not { } bulk)
        {
            return null;
        }

        staging.CorrelationId = creation.ProcessId;
        return await Prepare(bulk, staging, [shipment], ct) is [var prepared] && BulkStreamWriter.OnlyQueuedSql(staging) ? prepared : null;
    }

    /// <summary>
    /// <paramref name="shipments"/>' streams started on <paramref name="session"/> and prepared (events and projected documents
    /// built and serialized, <see cref="BulkStreamWriter.Prepare"/>), then the store's listeners run as before a save (the
    /// webhook outbox queues the messages on the session). Null when a projection's answer needs a session.
    /// </summary>
    private async Task<IReadOnlyList<BulkStreamWriter.PreparedStream>?> Prepare(BulkStreamWriter bulk, IDocumentSession session,
        IEnumerable<NewShipment> shipments, CancellationToken ct, JsonArena? json = null)
    {
        var prepared = new List<BulkStreamWriter.PreparedStream>();
        foreach (var shipment in shipments)
        {
            var stream = session.Events.StartStream<Shipment>(shipment.Created.ShipmentId, shipment.Events.Cast<object>().ToArray());
            if (await bulk.Prepare(session, stream, ct, json) is not { } ready)
            {
                return null;
            }

            prepared.Add(ready);
        }

        await streams.BeforeStatements(session, ct);
        return prepared;
    }

    /// <summary>
    /// Orders that arrived together (<see cref="CommitGroups{TItem,TOutcome}"/>, docs/adr/004-group-commit.md) in one round
    /// trip: their streams, events and projected documents in one multi-row statement per table (<see cref="BulkStreamWriter"/>,
    /// from what each order's request prepared), the outbox rows the listeners queued for each, and their lots of one with
    /// their rows, sent as one batch without an explicit transaction (PostgreSQL runs a batch as one implicit transaction:
    /// all of it or nothing). Each event carries its own order's process id. False for every order (each is then written
    /// through its own session, where a trackingId found used becomes ALREADY_EXISTS) when a unique index refused the group;
    /// any other failure (an outage) is every order's.
    /// </summary>
    private async Task<IReadOnlyList<bool>> WriteTogether(IReadOnlyList<GroupedOrder> group)
    {
        // Not one request's token: the group is several requests' write.
        var ct = CancellationToken.None;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = CargamosMetrics.GroupOutcomes.Failed;
        try
        {
            await using var connection = documentStore.Storage.Database.CreateConnection();
            await connection.OpenAsync(ct);
            await using var batch = new NpgsqlBatch(connection);
            // Every order of a group was staged by the writer, so it exists (checked once per process).
            (await streams.Writer(null, ct))!.Add(batch, group.Select(o => o.Stream).ToList());
            foreach (var order in group)
            {
                BulkStreamWriter.AddQueuedSql(batch, order.Session);
            }

            AddLotsOfOne(batch, group);
            try
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
            catch (Exception e) when (IsUniqueViolation(e))
            {
                outcome = CargamosMetrics.GroupOutcomes.Separately;
                return new bool[group.Count];
            }

            outcome = CargamosMetrics.GroupOutcomes.Written;
            return Enumerable.Repeat(true, group.Count).ToArray();
        }
        finally
        {
            metrics.OrderGroupWritten(group.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started), outcome);
        }
    }

    /// <summary>Each order's lot of one, COMPLETED with its one CREATED row: two multi-row inserts.</summary>
    private static void AddLotsOfOne(NpgsqlBatch batch, IReadOnlyList<GroupedOrder> group)
    {
        var lots = new NpgsqlBatchCommand($"""
            insert into {IntegrationLotSchema.Lots} (lot_id, source, shipper_id, status, shipper_lot_id, total_rows, processed_rows, last_row,
                created, rejected, process_id, created_at, started_at, finished_at)
            select l.id, l.source, l.shipper, '{LotStatuses.Completed}', l.shipper_lot, 1, 1, 1, 1, 0, l.process, l.at, l.at, l.at
            from unnest($1, $2, $3, $4, $5, $6) as l(id, source, shipper, shipper_lot, process, at)
            """);
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = group.Select(o => o.Lot.LotId).ToArray() });
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = group.Select(o => o.Lot.Source).ToArray() });
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = group.Select(o => o.Lot.ShipperId).ToArray() });
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = group.Select(o => o.Lot.ShipperLotId).ToArray() });
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = group.Select(o => o.Creation.ProcessId).ToArray() });
        lots.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = group.Select(o => o.Lot.At).ToArray() });

        var rows = new NpgsqlBatchCommand($"""
            insert into {IntegrationLotSchema.Rows} (lot_id, row_number, outcome, tracking_id, shipment_id, errors)
            select r.lot, r.n, '{RowOutcomes.Created}', r.t, r.s, null from unnest($1, $2, $3, $4) as r(lot, n, t, s)
            """);
        rows.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = group.Select(o => o.Lot.LotId).ToArray() });
        rows.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = group.Select(o => o.Row.Row).ToArray() });
        rows.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = group.Select(o => o.Row.TrackingId).ToArray() });
        rows.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = group.Select(o => o.Row.ShipmentId!.Value).ToArray() });
        batch.BatchCommands.Add(lots);
        batch.BatchCommands.Add(rows);
    }

    /// <summary>The order key and the new streams (Marten adds their inline projections and outbox rows at the commit).</summary>
    private static void Stage(IDocumentSession session, ShipmentCreation creation, IReadOnlyList<CreationRow> rows)
    {
        session.CorrelationId = creation.ProcessId;
        if (creation.OrderKey is { } key)
        {
            session.InsertObjects([key]);
        }

        foreach (var shipment in rows.Select(r => r.Shipment).OfType<NewShipment>())
        {
            session.Events.StartStream<Shipment>(shipment.Created.ShipmentId, shipment.Events.Cast<object>().ToArray());
        }
    }

    /// <summary>A spreadsheet batch's part: its rows' results and the lot's progress (under the lease), the last two commands.</summary>
    private static void AddLotCommands(NpgsqlBatch batch, LotBatch lot, ShipmentCreationResult result)
    {
        var rows = result.Rows;
        var insert = new NpgsqlBatchCommand($"""
            insert into {IntegrationLotSchema.Rows} (lot_id, row_number, outcome, tracking_id, shipment_id, errors)
            select $1, r.n, r.o, r.t, r.s, r.e::jsonb from unnest($2, $3, $4, $5, $6) as r(n, o, t, s, e)
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = lot.LotId });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = rows.Select(r => r.Row).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            Value = rows.Select(r => r.Created ? RowOutcomes.Created : RowOutcomes.Rejected).ToArray(),
        });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => r.TrackingId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = rows.Select(r => r.ShipmentId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            Value = rows.Select(r => r.Created ? null : JsonColumns.Write(r.Errors)).ToArray(),
        });

        // A batch's progress counts only while its processor holds the lot's lease: checked by the rows the update touched
        // (CheckLease). The lot's row is locked from here to the commit only, so batches of one lot written at once barely
        // wait for each other.
        var progress = new NpgsqlBatchCommand($"""
            update {IntegrationLotSchema.Lots}
            set processed_rows = processed_rows + $1, last_row = greatest(last_row, $2), created = created + $3,
                rejected = rejected + $4, lease_until = now() + $5
            where lot_id = $6 and status = '{LotStatuses.Processing}' and lease_owner = $7
            """);
        progress.Parameters.Add(new NpgsqlParameter { Value = rows.Count });
        progress.Parameters.Add(new NpgsqlParameter { Value = rows.Max(r => r.Row) });
        progress.Parameters.Add(new NpgsqlParameter { Value = result.Created });
        progress.Parameters.Add(new NpgsqlParameter { Value = result.Rejected });
        progress.Parameters.Add(new NpgsqlParameter { Value = lot.Lease });
        progress.Parameters.Add(new NpgsqlParameter { Value = lot.LotId });
        progress.Parameters.Add(new NpgsqlParameter { Value = lot.Owner });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(progress);
    }

    private static void CheckLease(NpgsqlBatch batch, LotBatch lot)
    {
        if (batch.BatchCommands[^1].RecordsAffected != 1)
        {
            throw new LotLeaseLostException(lot.LotId);
        }
    }

    /// <summary>A trackingId repeated within the creation: the first row keeps it.</summary>
    private static Dictionary<int, ErrorDetail> RepeatsWithin(ShipmentCreation creation)
    {
        var refused = new Dictionary<int, ErrorDetail>();
        var firsts = new Dictionary<string, ShipmentCreated>(StringComparer.Ordinal);
        foreach (var row in creation.Rows)
        {
            if (row.Shipment is { } shipment && !firsts.TryAdd(shipment.Created.TrackingId, shipment.Created))
            {
                refused[row.Row] = DeliveryOrderIntake.AlreadyExists(shipment, creation.Lot.LotId, firsts[shipment.Created.TrackingId].At);
            }
        }

        return refused;
    }

    /// <summary>
    /// Refuses the rows whose trackingId the shipper already used (one indexed query on the tracking read model), with the
    /// lot and time of that first use; false when there was none (the unique violation was another one).
    /// </summary>
    private async Task<bool> RefuseUsed(ShipmentCreation creation, Dictionary<int, ErrorDetail> refused, CancellationToken ct)
    {
        var pending = creation.Rows.Where(r => r.Shipment is not null && !refused.ContainsKey(r.Row)).ToList();
        if (pending.Count == 0)
        {
            return false;
        }

        // The same expressions as the unique index ux_tracking_shipper_tracking_id (shipper_id, data ->> 'trackingId').
        await using var connection = documentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand($"""
            select d.data ->> 'trackingId', (d.data ->> 'integrationLotId')::bigint, d.data ->> 'createdAt'
            from {TrackingTable} d where d.shipper_id = @shipper and d.data ->> 'trackingId' = any(@ids)
            """, connection);
        query.Parameters.AddWithValue("shipper", pending[0].Shipment!.Created.ShipperId);
        query.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = pending.Select(r => r.Shipment!.Created.TrackingId).Distinct().ToArray(),
        });
        var used = new Dictionary<string, (long? LotId, DateTimeOffset At)>(StringComparer.Ordinal);
        await using (var reader = await query.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                used[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
            }
        }

        var found = false;
        foreach (var row in pending)
        {
            var shipment = row.Shipment!;
            if (used.TryGetValue(shipment.Created.TrackingId, out var first))
            {
                refused[row.Row] = DeliveryOrderIntake.AlreadyExists(shipment, first.LotId, first.At);
                found = true;
            }
        }

        return found;
    }

    private async Task<bool> IsStored(IUniqueOrderKey key, CancellationToken ct)
    {
        var table = documentStore.Options.FindOrResolveDocumentType(key.GetType()).TableName.QualifiedName;
        await using var connection = documentStore.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand($"select exists (select 1 from {table} where id = @id)", connection);
        query.Parameters.AddWithValue("id", key.Id);
        return await query.ExecuteScalarAsync(ct) is true;
    }

    private static bool IsUniqueViolation(Exception e) => e switch
    {
        JasperFx.DocumentAlreadyExistsException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => e.InnerException is { } inner && IsUniqueViolation(inner),
    };
}
