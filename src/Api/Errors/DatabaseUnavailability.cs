using System.Net.Sockets;
using Npgsql;

namespace Cargamos.Modular.Api.Errors;

/// <summary>
/// Whether an exception means PostgreSQL cannot be reached or cannot serve right now (refused or broken connection,
/// connect timeout, pool exhausted, the server starting up or shutting down, too many connections, an I/O error): the
/// request is answered 503 with <c>Retry-After</c>, not 500, and the outage is logged once, not per request.
/// </summary>
public static class DatabaseUnavailability
{
    /// <summary>What <c>Retry-After</c> says: the API serves again within about this long of the database's return.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    // Class 08 (connection exception) and the states of a server that is not taking work.
    private static readonly HashSet<string> UnavailableStates =
    [
        PostgresErrorCodes.AdminShutdown, // 57P01
        PostgresErrorCodes.CrashShutdown, // 57P02
        PostgresErrorCodes.CannotConnectNow, // 57P03 (starting up, recovering)
        PostgresErrorCodes.TooManyConnections, // 53300
        PostgresErrorCodes.InsufficientResources, // 53000
        PostgresErrorCodes.IoError, // 58030
        PostgresErrorCodes.ReadOnlySqlTransaction, // 25006 (a failover in progress: writes reached a standby)
        "57P05", // idle session timeout
    ];

    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return UnavailableStates.Contains(postgres.SqlState) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Logs a database outage once when it starts (a warning without stack trace), then at most every
/// <see cref="Interval"/> with the number of requests answered 503 meanwhile; one per process.
/// </summary>
public sealed class DatabaseOutageLog(ILogger<DatabaseOutageLog> logger, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private DateTimeOffset? lastLogged;
    private long refused;

    public void Refused(Exception exception, HttpContext http)
    {
        var now = clock.GetUtcNow();
        long count;
        bool starting;
        lock (gate)
        {
            refused++;
            if (lastLogged is { } last && now - last < Interval)
            {
                return;
            }

            starting = lastLogged is null || now - lastLogged.Value >= Interval * 2;
            count = refused;
            refused = 0;
            lastLogged = now;
        }

        var cause = Innermost(exception);
        if (starting)
        {
            logger.LogWarning("The database is unavailable ({Error}: {Message}); requests are answered 503 with Retry-After until it is back (first: {Method} {Path}, processId {ProcessId})",
                cause.GetType().Name, cause.Message, http.Request.Method, http.Request.Path, ProcessId.Of(http));
        }
        else
        {
            logger.LogWarning("The database is still unavailable ({Error}: {Message}); {Count} requests answered 503 since the last report",
                cause.GetType().Name, cause.Message, count);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
