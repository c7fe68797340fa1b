using Marten;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>Plain Npgsql connections to Marten's own database (the outbox tables live beside the events).</summary>
internal sealed class WebhookDatabase(IDocumentStore store)
{
    public async Task<NpgsqlConnection> Open(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
