using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>.</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>The delays between attempts: 10 attempts in all, the last about 3 days after the first.</summary>
    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Runs the dispatcher in this process (an instance may only serve the API).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>The delay before each retry (<c>Webhooks:RetrySchedule:0</c>, <c>:1</c>...: TimeSpan strings); empty: the default.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Each delay is moved by up to this fraction either way, so retries of many messages spread out.</summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the dispatcher looks for due messages when no notification woke it up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages claimed at a time by one lane of a dispatcher (sent concurrently, within <see cref="MaxConcurrentPerWebhook"/>).</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>
    /// Requests one process sends to one webhook at a time, whatever the lanes and batches: a shipper's endpoint never sees
    /// more than this many concurrent POSTs from one API process.
    /// </summary>
    public int MaxConcurrentPerWebhook { get; set; } = 64;

    /// <summary>
    /// How long a claimed message may wait for one of its webhook's <see cref="MaxConcurrentPerWebhook"/> slots. Past it,
    /// it is given back without an attempt and claimed again; the wait never counts against <see cref="Timeout"/>.
    /// </summary>
    public TimeSpan QueueWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Batches a dispatcher works on at once, each claimed, sent and recorded on its own: at most Lanes x BatchSize
    /// messages are in flight per process.
    /// </summary>
    public int Lanes { get; set; } = 2;

    /// <summary>
    /// Failed attempts to one webhook, without a delivery in between, that open its breaker: new messages then wait
    /// without an attempt, one message probes the endpoint after <see cref="BreakerFirstProbe"/> (doubling on each
    /// failed probe up to <see cref="BreakerMaxProbe"/>), and the first delivery closes it and sends the rest.
    /// </summary>
    public int BreakerThreshold { get; set; } = 10;

    /// <summary>How long a breaker stays open before its first probe.</summary>
    public TimeSpan BreakerFirstProbe { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest time between two probes of an open breaker.</summary>
    public TimeSpan BreakerMaxProbe { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The time the retry schedule spans (the sum of its delays): a message not delivered this long after it was recorded fails.</summary>
    public TimeSpan RetrySpan => EffectiveRetrySchedule.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay);

    /// <summary>Longest wait a <c>Retry-After</c> may impose on one retry.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delivered messages (with their attempts) are deleted this long after their delivery.</summary>
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Failed messages (with their attempts) are deleted this long after they failed: longer than delivered ones, since a
    /// shipper looks for them in the log and may redeliver them.
    /// </summary>
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Only https URLs (default: everywhere but Development and Testing).</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>
    /// Refuse URLs whose host resolves to loopback, private, link-local, carrier-grade NAT, multicast or cloud metadata
    /// addresses, at registration and at every connection (default: everywhere but Development and Testing).
    /// </summary>
    public bool? BlockPrivateNetworks { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>
    /// A claimed message is left alone by other dispatchers for this long: its wait for a slot, its attempt and a margin
    /// to record the outcome (45 s with the defaults).
    /// </summary>
    public TimeSpan Lease => QueueWait + Timeout + LeaseMargin;

    /// <summary>What a lease leaves after the longest wait and attempt, to record the outcome.</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(10);
}
