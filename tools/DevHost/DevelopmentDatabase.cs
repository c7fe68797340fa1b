using Cargamos.Modular.LocalPostgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.DevHost;

/// <summary>The development database: the persistent local cluster in the data folder, with a <c>cargamos</c> database.</summary>
internal static class DevelopmentDatabase
{
    public const string DatabaseName = "cargamos";

    /// <summary>
    /// Starts the cluster in <c>&lt;data folder&gt;/postgres</c> (created on first use, reused when running, left running
    /// afterwards; port <c>LocalPostgres:Port</c>, else the remembered one, else a free one), creates the database when
    /// missing, and returns its connection string.
    /// </summary>
    public static async Task<string> ProvideAsync(IConfiguration configuration, string dataDirectory, ILogger logger)
    {
        var server = await PostgresProvisioner.ProvisionAsync(new PostgresProvisionOptions
        {
            PersistentDataDirectory = Path.Combine(dataDirectory, "postgres"),
            Port = configuration.GetValue<int?>("LocalPostgres:Port"),
        }, logger);

        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
            exists.Parameters.AddWithValue("name", DatabaseName);
            if (await exists.ExecuteScalarAsync() is null)
            {
                await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
                await create.ExecuteNonQueryAsync();
            }
        }

        admin.Database = DatabaseName;
        logger.LogInformation("PostgreSQL for development: {Server}, database {Database}", server.Description, DatabaseName);
        return admin.ConnectionString;
    }
}
