using System.Net.Sockets;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// Whether an exception means PostgreSQL cannot be reached or cannot serve right now (refused or broken connection,
/// connect timeout, pool exhausted, the server starting up or shutting down, too many connections, an I/O error): the
/// API answers 503 with <c>Retry-After</c> (not 500) and logs the outage once; background workers give their leases back
/// without counting an attempt and try again shortly.
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
