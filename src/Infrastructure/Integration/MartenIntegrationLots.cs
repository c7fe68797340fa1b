using Marten;
using Npgsql;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Integration;

/// <summary>
/// Lot ids from one database sequence, taken <see cref="BlockSize"/> at a time (one round trip per block, not per order):
/// unique across API instances and increasing within one; lots of different instances interleave.
/// </summary>
internal sealed class MartenIntegrationLots(IDocumentStore store) : IIntegrationLots, IDisposable
{
    public const string Sequence = "integration_lot_id";

    internal const int BlockSize = 50;

    private readonly SemaphoreSlim refill = new(1, 1);
    private readonly Queue<long> ids = new();

    public async Task<long> NextId(CancellationToken ct)
    {
        await refill.WaitAsync(ct);
        try
        {
            if (ids.Count == 0)
            {
                await using var connection = store.Storage.Database.CreateConnection();
                await connection.OpenAsync(ct);
                await using var command = new NpgsqlCommand(
                    $"select nextval('{Common.MartenStore.Schema}.{Sequence}') from generate_series(1, {BlockSize})", connection);
                await using var reader = await command.ExecuteReaderAsync(ct);
                var block = new List<long>(BlockSize);
                while (await reader.ReadAsync(ct))
                {
                    block.Add(reader.GetInt64(0));
                }

                block.Sort();
                block.ForEach(ids.Enqueue);
            }

            return ids.Dequeue();
        }
        finally
        {
            refill.Release();
        }
    }

    public void Dispose() => refill.Dispose();
}
