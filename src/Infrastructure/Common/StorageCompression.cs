using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// At start, after Marten applied the schema: every <c>jsonb</c>, <c>bytea</c> and <c>text</c> column of the store's
/// schema that PostgreSQL may compress (events, documents, uploaded files, webhook payloads) compresses with lz4 rather
/// than the default pglz, when the server has lz4 (PostgreSQL 14 or later built with it, as Debian's and the official
/// images are). pglz was 15% of PostgreSQL's CPU during a spreadsheet lot (its documents of about 2 KB, and the file
/// itself) and half of storing an uploaded file; lz4 takes a fifth of that for about 12% more bytes (docs/performance.md).
/// Only the catalog changes (values already stored keep their compression), once per column: later starts find nothing
/// to do. A column another process holds a lock on, or a role that does not own the tables, is left as it is, with a
/// warning: the setting only makes writes cheaper.
/// </summary>
internal sealed class StorageCompression(IDocumentStore store, ILogger<StorageCompression> logger) : IHostedService
{
    internal const string ColumnsSql = $"""
        select format('alter table %s alter column %I set compression lz4', a.attrelid::regclass, a.attname)
        from pg_attribute a
        join pg_class t on t.oid = a.attrelid
        join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = '{MartenStore.Schema}' and t.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
          and a.atttypid in ('jsonb'::regtype, 'bytea'::regtype, 'text'::regtype) and a.attstorage in ('x', 'm')
          and a.attcompression is distinct from 'l'
          and exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals))
        order by 1
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var statements = new List<string>();
        await using (var find = new NpgsqlCommand(ColumnsSql, connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                statements.Add(reader.GetString(0));
            }
        }

        if (statements.Count == 0)
        {
            return;
        }

        try
        {
            // Each ALTER takes the table's lock for an instant; one held elsewhere (a long query of another node) is not
            // waited on for long. One transaction: all the columns or none, and the timeout ends with it.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var alter = new NpgsqlCommand($"set local lock_timeout = '2s'; {string.Join("; ", statements)}", connection, transaction);
            await alter.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("{Count} columns of schema {Schema} compress with lz4 from now on.", statements.Count, MartenStore.Schema);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.InsufficientPrivilege)
        {
            logger.LogWarning("The columns of schema {Schema} keep PostgreSQL's default compression ({Error}); the next start tries again.", MartenStore.Schema, e.MessageText);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
