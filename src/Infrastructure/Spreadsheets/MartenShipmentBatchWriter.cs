using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Application.Spreadsheets;
using Cargamos.Modular.Application.Spreadsheets.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Marten.Services;
using Npgsql;
using NpgsqlTypes;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// One transaction per batch: the trackingIds the shipper already used are found with one query; each new shipment's
/// stream is started (Marten writes its inline projections, with the unique (shipper, trackingId) index, in the same
/// transaction); the rows' results are inserted (primary key (lot, row): a row cannot get two); and last the lot's
/// progress is added, only while this processor still holds the lot's lease, then the commit. If another writer took a
/// trackingId between the check and the insert (a concurrent request, or another batch of the same lot), the unique index
/// refuses the batch and it is written again row by row, so that only that row gets ALREADY_EXISTS.
/// </summary>
internal sealed class MartenShipmentBatchWriter(IDocumentStore store) : IShipmentBatchWriter
{
    private const int SingleRowAttempts = 3;

    private readonly string trackingTable = store.Options.FindOrResolveDocumentType(typeof(ShipmentTracking)).TableName.QualifiedName;

    public async Task<BatchWritten> Write(ClaimedLot lot, IReadOnlyList<LotRow> rows, TimeSpan lease, bool abandonBeforeCommit, CancellationToken ct)
    {
        try
        {
            return await WriteOnce(lot, rows, lease, abandonBeforeCommit, ct);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            int created = 0, rejected = 0;
            foreach (var row in rows)
            {
                // A row that lost a race is written again once the winner committed: its check then finds the trackingId.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var written = await WriteOnce(lot, [row], lease, abandonBeforeCommit, ct);
                        (created, rejected) = (created + written.Created, rejected + written.Rejected);
                        break;
                    }
                    catch (Exception again) when (attempt < SingleRowAttempts && IsUniqueViolation(again))
                    {
                    }
                }
            }

            return new BatchWritten(created, rejected);
        }
    }

    private async Task<BatchWritten> WriteOnce(ClaimedLot lot, IReadOnlyList<LotRow> rows, TimeSpan lease, bool abandon, CancellationToken ct)
    {
        var lotId = lot.Lot.LotId;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var existing = await UsedTrackingIds(connection, transaction, lot.Lot.ShipperId, rows, ct);

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction));
        session.CorrelationId = lot.ProcessId;
        var firstInBatch = new Dictionary<string, ShipmentCreated>(StringComparer.Ordinal);
        var numbers = new int[rows.Count];
        var outcomes = new string[rows.Count];
        var trackingIds = new string?[rows.Count];
        var shipmentIds = new string?[rows.Count];
        var errors = new string?[rows.Count];
        int created = 0, rejected = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            numbers[i] = row.Row;
            var refusal = row.Errors;
            if (row.Shipment is { } shipment)
            {
                if (existing.TryGetValue(shipment.TrackingId, out var used))
                {
                    refusal = [AlreadyExists(used.LotId, used.At, row.GeneratedTrackingId)];
                }
                else if (firstInBatch.TryGetValue(shipment.TrackingId, out var first))
                {
                    refusal = [AlreadyExists(lotId, first.At, row.GeneratedTrackingId)];
                }
                else
                {
                    firstInBatch[shipment.TrackingId] = shipment;
                    session.Events.StartStream<Shipment>(shipment.ShipmentId, shipment);
                    outcomes[i] = RowOutcomes.Created;
                    trackingIds[i] = shipment.TrackingId;
                    shipmentIds[i] = shipment.ShipmentId.ToString();
                    created++;
                    continue;
                }
            }

            outcomes[i] = RowOutcomes.Rejected;
            errors[i] = SpreadsheetJson.Write(refusal);
            rejected++;
        }

        await session.SaveChangesAsync(ct);

        // The lot's row is locked from here to the commit only, so batches of one lot written at once barely wait for each other.
        await using (var write = new NpgsqlCommand($"""
            insert into {SpreadsheetSchema.Rows} (lot_id, row_number, outcome, tracking_id, shipment_id, errors)
            select @id, r.n, r.o, r.t, r.s::uuid, r.e::jsonb from unnest(@numbers, @outcomes, @tracking, @shipments, @errors) as r(n, o, t, s, e);
            update {SpreadsheetSchema.Lots}
            set processed_rows = processed_rows + @count, last_row = greatest(last_row, @last), created = created + @created,
                rejected = rejected + @rejected, lease_until = now() + @lease
            where lot_id = @id and status = '{LotStatuses.Processing}' and lease_owner = @owner;
            """, connection, transaction))
        {
            write.Parameters.AddWithValue("id", lotId);
            write.Parameters.Add(new NpgsqlParameter("numbers", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = numbers });
            write.Parameters.Add(new NpgsqlParameter("outcomes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes });
            write.Parameters.Add(new NpgsqlParameter("tracking", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = trackingIds });
            write.Parameters.Add(new NpgsqlParameter("shipments", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = shipmentIds });
            write.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = errors });
            write.Parameters.AddWithValue("count", rows.Count);
            write.Parameters.AddWithValue("last", rows.Max(r => r.Row));
            write.Parameters.AddWithValue("created", created);
            write.Parameters.AddWithValue("rejected", rejected);
            write.Parameters.AddWithValue("lease", lease);
            write.Parameters.AddWithValue("owner", lot.Owner);
            if (await write.ExecuteNonQueryAsync(ct) != rows.Count + 1)
            {
                throw new LotLeaseLostException(lotId);
            }
        }

        if (abandon)
        {
            await transaction.RollbackAsync(ct);
            return new BatchWritten(0, 0);
        }

        await transaction.CommitAsync(ct);
        return new BatchWritten(created, rejected);
    }

    /// <summary>The rows' trackingIds the shipper already used (one indexed query), with the lot and time of their first use.</summary>
    private async Task<Dictionary<string, (long? LotId, DateTimeOffset At)>> UsedTrackingIds(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string shipperId, IReadOnlyList<LotRow> rows, CancellationToken ct)
    {
        var used = new Dictionary<string, (long?, DateTimeOffset)>(StringComparer.Ordinal);
        var wanted = rows.Where(r => r.Shipment is not null).Select(r => r.Shipment!.TrackingId).Distinct().ToArray();
        if (wanted.Length == 0)
        {
            return used;
        }

        // The same expressions as the unique index ux_tracking_shipper_tracking_id (shipper_id, data ->> 'trackingId').
        await using var query = new NpgsqlCommand($"""
            select d.data ->> 'trackingId', (d.data ->> 'integrationLotId')::bigint, d.created_at
            from {trackingTable} d where d.shipper_id = @shipper and d.data ->> 'trackingId' = any(@ids)
            """, connection, transaction);
        query.Parameters.AddWithValue("shipper", shipperId);
        query.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = wanted });
        await using var reader = await query.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            used[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return used;
    }

    /// <summary>The ALREADY_EXISTS of the API; a generated trackingId (a row without shipperTrackingId) names no column.</summary>
    private static ErrorDetail AlreadyExists(long? lotId, DateTimeOffset firstIntegratedAt, bool generated)
    {
        var error = DeliveryOrderIntake.AlreadyExists(lotId, firstIntegratedAt).Errors[0];
        return generated
            ? error with { Details = error.Details + " (this row of this same file, identified by the file's content and the row number, was integrated before)", Parameter = null }
            : error;
    }

    private static bool IsUniqueViolation(Exception e) => e switch
    {
        JasperFx.DocumentAlreadyExistsException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => e.InnerException is { } inner && IsUniqueViolation(inner),
    };
}
