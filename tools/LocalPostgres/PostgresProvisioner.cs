using Microsoft.Extensions.Logging;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Cargamos.Modular.LocalPostgres;

/// <summary>Where the PostgreSQL server behind a <see cref="ProvisionedPostgres"/> comes from.</summary>
public enum PostgresSource
{
    /// <summary>A connection string from configuration, used as is; nothing was started.</summary>
    ConnectionString,

    /// <summary>A cluster run from this machine's PostgreSQL server binaries (initdb / pg_ctl).</summary>
    LocalCluster,

    /// <summary>A Docker container started through Testcontainers.</summary>
    Testcontainers,
}

/// <summary>What <see cref="PostgresProvisioner.ProvisionAsync"/> should provide.</summary>
public sealed record PostgresProvisionOptions
{
    /// <summary>When set, used as is (<see cref="PostgresSource.ConnectionString"/>) and nothing is started.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// When set, a persistent local cluster is kept in this folder (created with initdb on first use,
    /// started when stopped, reused when already running) and never stopped by this component.
    /// When not set, a throwaway cluster is made under the temp folder and removed on dispose / process exit.
    /// </summary>
    public string? PersistentDataDirectory { get; init; }

    /// <summary>
    /// Preferred port of the local cluster. Default: a free port, chosen by binding to port 0; for a persistent
    /// cluster it is remembered in <c>&lt;data folder&gt;.port</c> next to the data folder so restarts reuse it.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>Whether a Docker container (Testcontainers) may be started when there are no local server binaries.</summary>
    public bool AllowTestcontainers { get; init; } = true;

    /// <summary>
    /// More server settings (<c>name=value</c>) of a throwaway cluster, after the defaults, e.g. the benchmark's
    /// <c>shared_preload_libraries=pg_stat_statements</c>. Not applied to a persistent cluster, a container or a connection string.
    /// </summary>
    public IReadOnlyList<string> ThrowawaySettings { get; init; } = [];
}

/// <summary>A PostgreSQL server ready to accept connections. Dispose to release what was started for it.</summary>
public sealed class ProvisionedPostgres : IAsyncDisposable
{
    private Func<ValueTask>? _release;

    internal ProvisionedPostgres(string connectionString, PostgresSource source, string description, Func<ValueTask>? release)
    {
        ConnectionString = connectionString;
        Source = source;
        Description = description;
        _release = release;
    }

    /// <summary>Connects as a superuser to database <c>postgres</c> (or to the database of a given connection string).</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server comes from.</summary>
    public PostgresSource Source { get; }

    /// <summary>Human-readable description for logs (never contains a password).</summary>
    public string Description { get; }

    /// <summary>
    /// Stops and deletes a throwaway cluster or container. Does nothing for a given connection string and does
    /// NOT stop a persistent cluster: it keeps running for the next run. To stop a persistent cluster by hand:
    /// <c>pg_ctl stop -m fast -D &lt;data folder&gt;</c> (as root: <c>runuser -u postgres -- pg_ctl stop -m fast -D &lt;data folder&gt;</c>,
    /// with pg_ctl from <c>pg_config --bindir</c>, e.g. <c>/usr/lib/postgresql/15/bin/pg_ctl</c>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var release = Interlocked.Exchange(ref _release, null);
        if (release is not null)
        {
            await release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>
/// Provides a PostgreSQL server, in this order: a given connection string; a local cluster run from the machine's
/// PostgreSQL server binaries (persistent in a given folder, or throwaway under the temp folder); a Testcontainers
/// container (<c>postgres:15-alpine</c>) when a Docker engine answers. Fails with a message naming all three options.
/// </summary>
public static class PostgresProvisioner
{
    internal const string ContainerImage = "postgres:15-alpine";

    /// <summary>Provides a PostgreSQL server as described on <see cref="PostgresProvisioner"/>.</summary>
    /// <exception cref="InvalidOperationException">No server could be provided, or starting a local cluster failed.</exception>
    public static async Task<ProvisionedPostgres> ProvisionAsync(PostgresProvisionOptions options, ILogger logger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var given = new ProvisionedPostgres(
                options.ConnectionString, PostgresSource.ConnectionString, DescribeConnectionString(options.ConnectionString), release: null);
            logger.LogInformation("PostgreSQL: using {Description}", given.Description);
            return given;
        }

        var tried = new List<string>
        {
            "connection string: none given (ConnectionStrings:Postgres / environment variable ConnectionStrings__Postgres)",
        };

        var binaries = await PostgresBinaries.FindAsync(tried, logger, ct);
        if (binaries.Count > 0 && await LocalCluster.CanRunServerAsync(tried, ct))
        {
            return string.IsNullOrWhiteSpace(options.PersistentDataDirectory)
                ? await LocalCluster.StartThrowawayAsync(binaries[0], options.Port, options.ThrowawaySettings, logger, ct)
                : await LocalCluster.StartPersistentAsync(binaries, options.PersistentDataDirectory, options.Port, logger, ct);
        }

        if (options.AllowTestcontainers)
        {
            if (!string.IsNullOrWhiteSpace(options.PersistentDataDirectory))
            {
                logger.LogWarning(
                    "PostgreSQL: no local server binaries; trying a Testcontainers container instead of a persistent cluster in {DataDirectory}: its data is lost when it stops",
                    options.PersistentDataDirectory);
            }

            var container = await TryStartContainerAsync(tried, logger, ct);
            if (container is not null)
            {
                return container;
            }
        }
        else
        {
            tried.Add("Testcontainers: not allowed (AllowTestcontainers = false)");
        }

        throw new InvalidOperationException(
            "No PostgreSQL server is available. Do one of these:" + Environment.NewLine +
            "  1. set the connection string ConnectionStrings:Postgres (environment variable ConnectionStrings__Postgres) to a PostgreSQL server, connecting as a superuser;" + Environment.NewLine +
            "  2. install the PostgreSQL server binaries (initdb, pg_ctl, postgres), e.g. `apt-get install postgresql-15`, so a local cluster can be started;" + Environment.NewLine +
            $"  3. start a Docker engine so Testcontainers can run {ContainerImage}." + Environment.NewLine +
            "What was tried:" + Environment.NewLine +
            string.Join(Environment.NewLine, tried.Select(t => "  - " + t)));
    }

    private static async Task<ProvisionedPostgres?> TryStartContainerAsync(List<string> tried, ILogger logger, CancellationToken ct)
    {
        PostgreSqlContainer? container = null;
        try
        {
            logger.LogInformation("PostgreSQL: starting a Testcontainers container ({Image})", ContainerImage);
            container = new PostgreSqlBuilder(ContainerImage)
                .WithCommand("-c", "max_connections=300")
                .Build();
            await container.StartAsync(ct);

            var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString())
            {
                Pooling = true,
                MaxPoolSize = 100,
                IncludeErrorDetail = true,
            };
            var started = container;
            container = null;
            var id = started.Id.Length > 12 ? started.Id[..12] : started.Id;
            var provisioned = new ProvisionedPostgres(
                builder.ConnectionString,
                PostgresSource.Testcontainers,
                $"Testcontainers container {ContainerImage} ({id}) on {started.Hostname}:{started.GetMappedPublicPort(5432)}",
                () => started.DisposeAsync());
            logger.LogInformation("PostgreSQL: using {Description}", provisioned.Description);
            return provisioned;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "PostgreSQL: Testcontainers is not available");
            tried.Add($"Testcontainers ({ContainerImage}): {ex.GetType().Name}: {ex.Message}");
            return null;
        }
        finally
        {
            if (container is not null)
            {
                try
                {
                    await container.DisposeAsync();
                }
                catch (Exception ex)
                {
                    logger.LogDebug(ex, "PostgreSQL: disposing the failed Testcontainers container failed");
                }
            }
        }
    }

    internal static string DescribeConnectionString(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            return $"connection string (Host={b.Host}; Port={b.Port}; Database={b.Database}; Username={b.Username})";
        }
        catch (ArgumentException)
        {
            return "connection string (not parseable by Npgsql)";
        }
    }
}
