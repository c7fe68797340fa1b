using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cargamos.Modular.Application.Common.Errors;

namespace Cargamos.Modular.Application.Common.Telemetry;

/// <summary>
/// Our own instruments, all in one place (meter <see cref="MeterName"/>; names, units and tags in docs/operations.md,
/// "Telemetry"). Each layer records the fact it knows through one method here; a method costs a few tens of
/// nanoseconds and allocates nothing when nothing listens, and only little more when the Prometheus or OTLP
/// exporter does. A singleton, created through <see cref="IMeterFactory"/> so that each host (and each test host) has its own.
/// </summary>
public sealed class CargamosMetrics
{
    public const string MeterName = "Cargamos.Modular";

    /// <summary>Our spans (a webhook batch, an integration lot): the background work no request stands for.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    // Seconds, from 5 ms (a webhook delivered at once) to a day (the end of the retry schedule).
    private static readonly double[] LagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400];

    // Orders in one write group (at most Integration:MaxOrdersPerCommit, 64 by default).
    private static readonly long[] GroupSizeBuckets = [1, 2, 4, 8, 16, 32, 64];

    // Seconds, one group's round trip: a fraction of a millisecond alone, tens of milliseconds for 64 orders on a busy database.
    private static readonly double[] GroupWriteBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    // Seconds, from a lot of a few rows to one of 100,000 rows on a busy machine.
    private static readonly double[] LotBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly Meter meter;
    private readonly Counter<long> orders;
    private readonly Counter<long> rateLimited;
    private readonly Histogram<double> webhookLag;
    private readonly Counter<long> webhookAttempts;
    private readonly Counter<long> lotRows;
    private readonly Histogram<double> lotDuration;
    private readonly Histogram<long> groupSize;
    private readonly Histogram<double> groupWrite;
    private readonly Histogram<long> appendGroupSize;
    private readonly Histogram<double> appendGroupWrite;

    public CargamosMetrics(IMeterFactory meterFactory)
    {
        meter = meterFactory.Create(MeterName);
        orders = meter.CreateCounter<long>("cargamos.orders", "{order}",
            "Delivery orders that reached the intake (layers 2-4 and the store), by outcome, error code and source.");
        rateLimited = meter.CreateCounter<long>("cargamos.rate_limit.rejections", "{request}",
            "Requests refused by a rate limit, a back-off after failures or load shedding (429/503), by policy.");
        webhookLag = meter.CreateHistogram("cargamos.webhook.delivery.lag", "s",
            "Time from a webhook message being recorded (with the change that caused it) to its delivery (2xx).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        webhookAttempts = meter.CreateCounter<long>("cargamos.webhook.attempts", "{attempt}",
            "Webhook delivery attempts, by outcome: delivered, retry (failed, retried later), failed (the last of the schedule), gone (410).");
        lotRows = meter.CreateCounter<long>("cargamos.lot.rows", "{row}",
            "Spreadsheet lot rows processed, by outcome (created or rejected); rows/s is its rate.");
        lotDuration = meter.CreateHistogram("cargamos.lot.duration", "s",
            "Processing of one spreadsheet lot by one processor, from its claim to its end, by final status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LotBuckets });
        groupSize = meter.CreateHistogram("cargamos.orders.write_group.size", "{order}",
            "API orders written together in one round trip (group commit, ADR 004), by outcome: written, separately (a unique index refused the group: each order written on its own), failed.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = GroupSizeBuckets });
        groupWrite = meter.CreateHistogram("cargamos.orders.write_group.duration", "s",
            "One group of API orders' round trip to PostgreSQL, by outcome (as cargamos.orders.write_group.size).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GroupWriteBuckets });
        appendGroupSize = meter.CreateHistogram("cargamos.shipments.append_group.size", "{append}",
            "Shipment updates (carrier reports, cancels, pauses) appended together in one round trip (group commit, ADR 006), by outcome: written, separately (another writer appended to one of the streams first: each update decided again and written on its own), failed.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = GroupSizeBuckets });
        appendGroupWrite = meter.CreateHistogram("cargamos.shipments.append_group.duration", "s",
            "One group of shipment updates' round trip to PostgreSQL, by outcome (as cargamos.shipments.append_group.size).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GroupWriteBuckets });
    }

    /// <summary>Outcomes of a group of orders' write (tag <c>outcome</c>).</summary>
    public static class GroupOutcomes
    {
        public const string Written = "written";
        public const string Separately = "separately";
        public const string Failed = "failed";
    }

    /// <summary>Order sources (tag <c>source</c>).</summary>
    public static class Sources
    {
        public const string Api = "api";
        public const string Vtex = "vtex";
        public const string Spreadsheet = "spreadsheet";
    }

    /// <summary>Rate-limit policies (tag <c>policy</c>).</summary>
    public static class Policies
    {
        public const string Login = "login";
        public const string Token = "token";
        public const string Shedding = "shedding";
        public const string LoginBackoff = "login_backoff";
        public const string VtexBackoff = "vtex_backoff";
        public const string PasswordHashing = "password_hashing";
    }

    /// <summary>Webhook attempt outcomes (tag <c>outcome</c>).</summary>
    public static class AttemptOutcomes
    {
        public const string Delivered = "delivered";
        public const string Retry = "retry";
        public const string Failed = "failed";
        public const string Gone = "gone";
    }

    public void OrderAccepted(string source, long count = 1) =>
        orders.Add(count, new KeyValuePair<string, object?>("outcome", "accepted"), new KeyValuePair<string, object?>("source", source));

    /// <summary>An order refused, counted under its first error's code (a layer reports all its errors at once, seldom of two codes).</summary>
    public void OrderRejected(string source, IReadOnlyList<ErrorDetail> errors) => OrderRejected(source, CodeOf(errors));

    public void OrderRejected(string source, string code, long count = 1) =>
        orders.Add(count, new KeyValuePair<string, object?>("outcome", "rejected"), new KeyValuePair<string, object?>("code", code),
            new KeyValuePair<string, object?>("source", source));

    public static string CodeOf(IReadOnlyList<ErrorDetail> errors) => errors.Count > 0 ? errors[0].Code : "UNKNOWN";

    public void RateLimited(string policy) => rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary>A delivery, <paramref name="lag"/> after its message was recorded; <paramref name="retried"/> when it took more than one attempt.</summary>
    public void WebhookDelivered(TimeSpan lag, bool retried)
    {
        webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", AttemptOutcomes.Delivered));
        webhookLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("retried", retried));
    }

    /// <summary>A failed attempt (<see cref="AttemptOutcomes"/> but delivered).</summary>
    public void WebhookAttemptFailed(string outcome) => webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>
    /// The outbox backlog, read when an exporter collects: messages per <c>state</c> (capped by the reader) and the age of
    /// the oldest due message. Registered once per host by the Webhooks module.
    /// </summary>
    public void ObserveWebhookBacklog(
        Func<IEnumerable<Measurement<long>>> backlog, Func<IEnumerable<Measurement<double>>> oldestDueAge, Func<IEnumerable<Measurement<long>>> breakers)
    {
        meter.CreateObservableGauge("cargamos.webhook.breakers", breakers, "{webhook}",
            "Webhooks whose breaker is open (their endpoint kept failing: nothing is attempted until the probe time) or probing; refreshed at most every 10 s.");
        meter.CreateObservableGauge("cargamos.webhook.backlog", backlog, "{message}",
            "Undelivered webhook messages in the database, by state (due, waiting, parked, sending), each counted up to 10,000; refreshed at most every 10 s.");
        meter.CreateObservableGauge("cargamos.webhook.oldest_due.age", oldestDueAge, "s",
            "How long the oldest due webhook message has been due (0 when none is); refreshed at most every 10 s.");
    }

    public void LotRows(long created, long rejected)
    {
        if (created > 0)
        {
            lotRows.Add(created, new KeyValuePair<string, object?>("outcome", "created"));
        }

        if (rejected > 0)
        {
            lotRows.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
        }
    }

    /// <summary>A group of <paramref name="size"/> API orders written in one round trip of <paramref name="duration"/> (<see cref="GroupOutcomes"/>).</summary>
    public void OrderGroupWritten(int size, TimeSpan duration, string outcome)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        groupSize.Record(size, tag);
        groupWrite.Record(duration.TotalSeconds, tag);
    }

    /// <summary>A group of <paramref name="size"/> shipment updates appended in one round trip of <paramref name="duration"/> (<see cref="GroupOutcomes"/>).</summary>
    public void AppendGroupWritten(int size, TimeSpan duration, string outcome)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        appendGroupSize.Record(size, tag);
        appendGroupWrite.Record(duration.TotalSeconds, tag);
    }

    public void LotFinished(TimeSpan duration, string status) =>
        lotDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));
}
