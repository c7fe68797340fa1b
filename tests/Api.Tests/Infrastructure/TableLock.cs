using Npgsql;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>
/// A transaction holding a table in SHARE mode: reads go on, every insert or update of the table waits until
/// <see cref="Release"/> (a SHARE lock conflicts with a write's ROW EXCLUSIVE). Makes a writer wait at a known statement.
/// </summary>
internal sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private bool released;

    private TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        this.connection = connection;
        this.transaction = transaction;
    }

    public static async Task<TableLock> Share(string connectionString, string table)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"lock table {table} in share mode", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    public async Task Release()
    {
        if (!released)
        {
            released = true;
            await transaction.CommitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
