using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cargamos.Modular.Application.Common.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// The outbox backlog for the gauges <c>cargamos.webhook.backlog</c>, <c>cargamos.webhook.oldest_due.age</c> and
/// <c>cargamos.webhook.breakers</c>. Read only
/// when an exporter collects (a Prometheus scrape, an OTLP export), at most every <see cref="RefreshInterval"/>, in the
/// background: a collection answers the last snapshot at once and never waits for the database. The query reads the
/// claim's partial indexes only (never the delivered or failed history), each state counted up to <see cref="Cap"/>, so
/// its cost does not grow with the backlog (docs/webhooks.md, "How it works"). Database-wide: every instance reports the
/// same numbers.
/// </summary>
internal sealed class WebhookBacklog(WebhookDatabase database, CargamosMetrics metrics, ILogger<WebhookBacklog> logger) : IHostedService
{
    internal const int Cap = 10_000;
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    // Each count reads at most Cap entries of one partial index (ix_webhook_messages_pending_due, ix_webhook_messages_lease);
    // the oldest due message is the first entry of the pending index. The breakers' table holds one row per webhook failing
    // since its last delivery (none once it delivers again).
    internal static readonly string BacklogSql = $"""
        select
          (select count(*) from (select 1 from {WebhookSchema.Messages} where state = 'PENDING' and next_attempt_at <= now() limit {Cap}) d),
          (select count(*) from (select 1 from {WebhookSchema.Messages} where state = 'PENDING' and next_attempt_at > now() and next_attempt_at < 'infinity' limit {Cap}) w),
          (select count(*) from (select 1 from {WebhookSchema.Messages} where state = 'PENDING' and next_attempt_at = 'infinity' limit {Cap}) p),
          (select count(*) from (select 1 from {WebhookSchema.Messages} where state = 'SENDING' and locked_until is not null limit {Cap}) s),
          coalesce((select extract(epoch from now() - min(next_attempt_at))::float8 from {WebhookSchema.Messages}
                    where state = 'PENDING' and next_attempt_at <= now()), 0),
          (select count(*) from {WebhookSchema.Breakers} where open_until > now()),
          (select count(*) from {WebhookSchema.Breakers} where open_until <= now())
        """;

    private Snapshot? last;
    private long refreshedAt;
    private int refreshing;

    internal sealed record Snapshot(long Due, long Waiting, long Parked, long Sending, double OldestDueSeconds, long OpenBreakers = 0, long ProbingBreakers = 0);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.ObserveWebhookBacklog(Backlog, OldestDueAge, Breakers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<long>> Backlog()
    {
        if (Current() is not { } s)
        {
            return [];
        }

        return
        [
            new(s.Due, new KeyValuePair<string, object?>("state", "due")),
            new(s.Waiting, new KeyValuePair<string, object?>("state", "waiting")),
            new(s.Parked, new KeyValuePair<string, object?>("state", "parked")),
            new(s.Sending, new KeyValuePair<string, object?>("state", "sending")),
        ];
    }

    private IEnumerable<Measurement<long>> Breakers() => Current() is { } s
        ? [new(s.OpenBreakers, new KeyValuePair<string, object?>("state", "open")), new(s.ProbingBreakers, new KeyValuePair<string, object?>("state", "probing"))]
        : [];

    private IEnumerable<Measurement<double>> OldestDueAge() => Current() is { } s ? [new(s.OldestDueSeconds)] : [];

    /// <summary>The last snapshot (null before the first); starts a refresh in the background when it is older than the interval.</summary>
    private Snapshot? Current()
    {
        var stale = Volatile.Read(ref last) is null || Stopwatch.GetElapsedTime(Interlocked.Read(ref refreshedAt)) > RefreshInterval;
        if (stale && Interlocked.CompareExchange(ref refreshing, 1, 0) == 0)
        {
            _ = Task.Run(Refresh);
        }

        return Volatile.Read(ref last);
    }

    private async Task Refresh()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Volatile.Write(ref last, await Read(timeout.Token));
            Interlocked.Exchange(ref refreshedAt, Stopwatch.GetTimestamp());
        }
        catch (Exception e)
        {
            // The gauges keep their last values; the database's own state is reported by /health/ready and the workers.
            logger.LogDebug(e, "The webhook backlog could not be read for the metrics");
        }
        finally
        {
            Volatile.Write(ref refreshing, 0);
        }
    }

    internal async Task<Snapshot> Read(CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new Npgsql.NpgsqlCommand(BacklogSql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Snapshot(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetDouble(4),
            reader.GetInt64(5), reader.GetInt64(6));
    }
}
