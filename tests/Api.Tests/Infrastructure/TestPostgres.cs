using System.Security.Cryptography;
using System.Text;
using Cargamos.Modular.LocalPostgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server per test process, provisioned lazily on first use: the admin connection string in the
/// environment variable <c>CARGAMOS_TEST_POSTGRES</c> when set, otherwise a throwaway local cluster (or a
/// Testcontainers container). A throwaway cluster is stopped and deleted at process exit; clusters left by a killed
/// run are removed by the next run. Each test class / fixture gets its own database through <see cref="CreateDatabaseAsync"/>.
/// </summary>
public static class TestPostgres
{
    /// <summary>Environment variable holding an admin (superuser) connection string to use instead of starting a server.</summary>
    public const string EnvironmentVariable = "CARGAMOS_TEST_POSTGRES";

    private static readonly ILoggerFactory LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
        .AddSimpleConsole(o => o.SingleLine = true)
        .SetMinimumLevel(LogLevel.Information));

    private static readonly Lazy<Task<ProvisionedPostgres>> Server = new(ProvisionAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The server shared by this test process (provisioned on first call).</summary>
    public static Task<ProvisionedPostgres> GetServerAsync() => Server.Value;

    /// <summary>Creates a fresh database named <c>&lt;prefix&gt;_&lt;8 hex&gt;</c> and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var server = await Server.Value;
        var name = MakeDatabaseName(prefix);

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(name)}", connection);
            await command.ExecuteNonQueryAsync();
        }

        // Npgsql's own 15 s connect timeout instead of the API's 2 s: dozens of test hosts starting at once on two cores
        // can overflow the cluster's accept queue for a moment (a dropped SYN is retried after 1 s, then 3 s).
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Timeout = 15 }.ConnectionString;
    }

    /// <summary>Drops the database of a connection string from <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(name) || name is "postgres" or "template0" or "template1")
        {
            throw new ArgumentException($"Refusing to drop database '{name}'.", nameof(connectionString));
        }

        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        var server = await Server.Value;
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<ProvisionedPostgres> ProvisionAsync()
    {
        var logger = LoggerFactory.CreateLogger("TestPostgres");
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        try
        {
            return await PostgresProvisioner.ProvisionAsync(
                new PostgresProvisionOptions { ConnectionString = string.IsNullOrWhiteSpace(fromEnvironment) ? null : fromEnvironment },
                logger);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"The tests need a PostgreSQL server. For tests, set the environment variable {EnvironmentVariable} to an admin connection string " +
                $"(instead of ConnectionStrings__Postgres).{Environment.NewLine}{ex.Message}",
                ex);
        }
    }

    private static string MakeDatabaseName(string prefix)
    {
        var cleaned = new StringBuilder();
        foreach (var c in (prefix ?? string.Empty).ToLowerInvariant())
        {
            cleaned.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        if (cleaned.Length == 0 || char.IsAsciiDigit(cleaned[0]))
        {
            cleaned.Insert(0, "db_");
        }

        // 63 bytes is PostgreSQL's identifier limit: prefix + "_" + 8 hex.
        var stem = cleaned.ToString();
        if (stem.Length > 54)
        {
            stem = stem[..54];
        }

        return $"{stem}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
