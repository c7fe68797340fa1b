using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// The store's <see cref="BulkStreamWriter"/>, checked once per process (the store's configuration, then the tables'
/// columns), or null when the streams must be written through a session; and the store's session listeners run around
/// a write made without a save. A singleton shared by every module that writes event streams (Integration's creation
/// path, Shipments' appends).
/// </summary>
internal sealed class BulkStreams(IDocumentStore store, ILogger<BulkStreams> logger) : IDisposable
{
    private readonly SemaphoreSlim check = new(1, 1);
    private BulkStreamWriter? writer;
    private volatile bool checkedOnce;

    /// <summary>The writer, or null (logged once, with the reason) when the store or its tables are not what it writes.</summary>
    public async Task<BulkStreamWriter?> Writer(NpgsqlConnection? connection, CancellationToken ct)
    {
        if (checkedOnce)
        {
            return writer;
        }

        await check.WaitAsync(ct);
        try
        {
            if (!checkedOnce)
            {
                var candidate = BulkStreamWriter.Create(store, out var reason);
                if (candidate is not null)
                {
                    // A caller may ask before it has a connection: one is opened for the check, once per process.
                    await using var own = connection is null ? store.Storage.Database.CreateConnection() : null;
                    if (own is not null)
                    {
                        await own.OpenAsync(ct);
                    }

                    (var matches, reason) = await candidate.VerifyTables(connection ?? own!, ct);
                    candidate = matches ? candidate : null;
                }

                if (candidate is null)
                {
                    logger.LogWarning("Event streams (spreadsheet batches, API orders, shipment updates) are written through a Marten session, one statement per stream and document: {Reason}.", reason);
                }

                writer = candidate;
                checkedOnce = true;
            }

            return writer;
        }
        finally
        {
            check.Release();
        }
    }

    /// <summary>The store's listeners before the statements run (as before a save).</summary>
    public async Task BeforeStatements(IDocumentSession pending, CancellationToken ct)
    {
        foreach (var listener in ((DocumentStore)store).Options.Listeners)
        {
            await listener.BeforeSaveChangesAsync(pending, ct);
        }
    }

    /// <summary>The store's listeners after the statements ran (as after a save).</summary>
    public async Task AfterStatements(IDocumentSession pending, CancellationToken ct)
    {
        foreach (var listener in ((DocumentStore)store).Options.Listeners)
        {
            await listener.AfterCommitAsync(pending, (IChangeSet)pending.PendingChanges, ct);
        }
    }

    public void Dispose() => check.Dispose();
}
