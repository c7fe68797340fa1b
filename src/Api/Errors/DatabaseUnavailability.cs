using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Errors;

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
