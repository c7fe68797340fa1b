using Cargamos.Modular.Infrastructure.Postgres;
using Npgsql;

namespace Cargamos.Modular.Api.Hosting;

/// <summary>The database the API uses, resolved once at start-up.</summary>
public sealed record DatabaseConnection(string ConnectionString, string Description)
{
    public const string DatabaseName = "cargamos";

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c> when configured (used as is). Otherwise, in Development, the project-local
    /// cluster in the data folder (started, or reused when running), with a <c>cargamos</c> database created on first use.
    /// </summary>
    public static async Task<DatabaseConnection> Resolve(IConfiguration configuration, IHostEnvironment environment, string dataDirectory, ILogger logger)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new DatabaseConnection(configured, "ConnectionStrings:Postgres");
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "No database: set ConnectionStrings:Postgres (env ConnectionStrings__Postgres). A local cluster is started only in Development.");
        }

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
        return new DatabaseConnection(admin.ConnectionString, server.Description);
    }

    /// <summary>The git-ignored data folder: <c>Cargamos:DataDirectory</c>, else <c>.data</c> at the repository root.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["Cargamos:DataDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(environment.ContentRootPath); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cargamos.Modular.sln")))
            {
                return Path.Combine(dir.FullName, ".data");
            }
        }

        return Path.Combine(environment.ContentRootPath, ".data");
    }
}
