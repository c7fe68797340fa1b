using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Spreadsheets;
using Cargamos.Modular.Domain.Common;
using Marten;
using System.Data;
using Npgsql;
using NpgsqlTypes;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Infrastructure.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>The lot tables, in plain SQL (a shipment creation writes its lot's part itself, in its own transaction).</summary>
internal sealed class PostgresIntegrationLotStore(IDocumentStore store) : IIntegrationLotStore
{
    private const string Columns =
        "lot_id, shipper_id, status, file_name, layout::text, total_rows, processed_rows, created, rejected, created_at, started_at, finished_at, errors::text, source, shipper_lot_id";

    public async Task Create(NewIntegrationLot lot, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        // One batch, one implicit transaction: the lot and its file are stored together or not at all. The file goes in
        // parts (IntegrationLotSchema.FilePartBytes), each its own statement.
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand($"""
            insert into {IntegrationLotSchema.Lots} (lot_id, source, shipper_id, status, file_name, layout, total_rows, file_sha256, uploaded_by, process_id, created_at)
            values ($1, '{LotSources.File}', $2, $3, $4, $5::jsonb, $6, $7, $8::jsonb, $9, $10)
            """);
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lot.LotId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lot.ShipperId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LotStatuses.Received });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lot.FileName });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonColumns.Write(lot.Layout) });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lot.TotalRows });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lot.FileSha256 });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonColumns.Write(lot.UploadedBy) });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lot.ProcessId });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = lot.CreatedAt });
        batch.BatchCommands.Add(insert);
        for (var (offset, part) = (0, 0); offset < content.Length || part == 0; offset += IntegrationLotSchema.FilePartBytes, part++)
        {
            var file = new NpgsqlBatchCommand($"insert into {IntegrationLotSchema.Files} (lot_id, part, content) values ($1, $2, $3)");
            file.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lot.LotId });
            file.Parameters.Add(new NpgsqlParameter<int> { TypedValue = part });
            file.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>
            {
                TypedValue = content.Slice(offset, Math.Min(IntegrationLotSchema.FilePartBytes, content.Length - offset)),
                NpgsqlDbType = NpgsqlDbType.Bytea,
            });
            batch.BatchCommands.Add(file);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    public async Task<IntegrationLot?> Get(long lotId, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"select {Columns} from {IntegrationLotSchema.Lots} where lot_id = @id", connection);
        command.Parameters.AddWithValue("id", lotId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadLot(reader) : null;
    }

    public async Task<IReadOnlyList<IntegrationLot>> List(string? shipperId, long? beforeLotId, int limit, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"""
            select {Columns} from {IntegrationLotSchema.Lots}
            where source = '{LotSources.File}' and (@shipper::text is null or shipper_id = @shipper) and (@before::bigint is null or lot_id < @before)
            order by lot_id desc limit @limit
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("shipper", NpgsqlDbType.Text) { Value = (object?)shipperId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = (object?)beforeLotId ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        var lots = new List<IntegrationLot>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lots.Add(ReadLot(reader));
        }

        return lots;
    }

    public async Task<IReadOnlyList<LotRowResult>> Results(long lotId, int afterRow, int limit, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"""
            select row_number, outcome, tracking_id, shipment_id, errors::text from {IntegrationLotSchema.Rows}
            where lot_id = @id and row_number > @after order by row_number limit @limit
            """, connection);
        command.Parameters.AddWithValue("id", lotId);
        command.Parameters.AddWithValue("after", afterRow);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<LotRowResult>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new LotRowResult(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? [] : JsonColumns.Read<List<ErrorDetail>>(reader.GetString(4))));
        }

        return rows;
    }

    public async Task<ClaimedLot?> ClaimNext(string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {IntegrationLotSchema.Lots} l
            set status = '{LotStatuses.Processing}', lease_owner = @owner, lease_until = now() + @lease,
                attempts = case when l.lease_owner = @owner then l.attempts else l.attempts + 1 end,
                started_at = coalesce(l.started_at, now())
            where l.lot_id = (
                select lot_id from {IntegrationLotSchema.Lots}
                where (status = '{LotStatuses.Received}' or status = '{LotStatuses.Processing}')
                  and (lease_until is null or lease_until < now() or lease_owner = @owner)
                order by lot_id limit 1 for update skip locked)
            returning l.{Columns}, file_sha256, uploaded_by::text, process_id, attempts
            """, connection);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("lease", lease);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ClaimedLot(ReadLot(reader), JsonColumns.Read<SpreadsheetLayout>(reader.GetString(4)), reader.GetString(15),
            JsonColumns.Read<Actor>(reader.GetString(16)), reader.GetString(17), reader.GetInt32(18), owner);
    }

    public async Task<Stream> OpenFile(long lotId, CancellationToken ct)
    {
        // Sequential access: each part is read from the connection as the stream is read, never buffered whole.
        var connection = await Open(ct);
        try
        {
            var command = new NpgsqlCommand($"select content from {IntegrationLotSchema.Files} where lot_id = @id order by part", connection);
            command.Parameters.AddWithValue("id", lotId);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException($"The file of integration lot {lotId} is missing.");
            }

            return new PartsStream(reader, command, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<HashSet<int>> ProcessedRows(long lotId, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"select row_number from {IntegrationLotSchema.Rows} where lot_id = @id", connection);
        command.Parameters.AddWithValue("id", lotId);
        var rows = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(reader.GetInt32(0));
        }

        return rows;
    }

    public async Task Release(ClaimedLot lot, bool countAttempt, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand(
            $"update {IntegrationLotSchema.Lots} set lease_until = now(), lease_owner = null, " +
            "attempts = case when @count then attempts else greatest(attempts - 1, 0) end " +
            "where lot_id = @id and lease_owner = @owner", connection);
        command.Parameters.AddWithValue("count", countAttempt);
        command.Parameters.AddWithValue("id", lot.Lot.LotId);
        command.Parameters.AddWithValue("owner", lot.Owner);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task ReleaseOwned(string owner, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand(
            $"update {IntegrationLotSchema.Lots} set lease_until = now(), lease_owner = null, attempts = greatest(attempts - 1, 0) " +
            $"where lease_owner = @owner and status = '{LotStatuses.Processing}'", connection);
        command.Parameters.AddWithValue("owner", owner);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task Finish(ClaimedLot lot, string status, IReadOnlyList<ErrorDetail>? errors, CancellationToken ct)
    {
        await using var connection = await Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {IntegrationLotSchema.Lots}
            set status = @status, finished_at = now(), errors = @errors::jsonb, lease_owner = null, lease_until = null
            where lot_id = @id and lease_owner = @owner
            """, connection);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.Add(new NpgsqlParameter("errors", NpgsqlDbType.Text) { Value = errors is null ? DBNull.Value : JsonColumns.Write(errors) });
        command.Parameters.AddWithValue("id", lot.Lot.LotId);
        command.Parameters.AddWithValue("owner", lot.Owner);
        if (await command.ExecuteNonQueryAsync(ct) == 0)
        {
            throw new LotLeaseLostException(lot.Lot.LotId);
        }
    }

    /// <summary>A read-only stream that disposes the reader, command and connection it reads from.</summary>
    /// <summary>
    /// The parts of a file as one stream, read in order from a reader positioned on the first part (each part's bytes
    /// streamed from the connection); disposing it disposes the reader, its command and its connection.
    /// </summary>
    private sealed class PartsStream(NpgsqlDataReader reader, NpgsqlCommand command, NpgsqlConnection connection) : ReadOnlyStream
    {
        private Stream? part = reader.GetStream(0);

        public override int Read(Span<byte> buffer)
        {
            while (part is not null)
            {
                var read = part.Read(buffer);
                if (read > 0 || buffer.IsEmpty)
                {
                    return read;
                }

                part.Dispose();
                part = reader.Read() ? reader.GetStream(0) : null;
            }

            return 0;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (part is not null)
            {
                var read = await part.ReadAsync(buffer, cancellationToken);
                if (read > 0 || buffer.IsEmpty)
                {
                    return read;
                }

                await part.DisposeAsync();
                part = await reader.ReadAsync(cancellationToken) ? reader.GetStream(0) : null;
            }

            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask DisposeAsync()
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }

            await reader.DisposeAsync();
            await command.DisposeAsync();
            await connection.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                part?.Dispose();
                reader.Dispose();
                command.Dispose();
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private async Task<NpgsqlConnection> Open(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        return connection;
    }

    private static IntegrationLot ReadLot(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(13), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
        r.IsDBNull(4) ? null : JsonColumns.Read<SpreadsheetLayout>(r.GetString(4)).Format, r.IsDBNull(14) ? null : r.GetString(14),
        r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8),
        r.GetFieldValue<DateTimeOffset>(9),
        r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        r.IsDBNull(12) ? null : JsonColumns.Read<List<ErrorDetail>>(r.GetString(12)));
}
