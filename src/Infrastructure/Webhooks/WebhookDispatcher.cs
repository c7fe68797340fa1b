using System.Collections.Concurrent;
using System.Diagnostics;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Webhooks;
using JasperFx;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Cargamos.Modular.Domain.Webhooks;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// Sends the outbox: claims due messages (see <see cref="WebhookOutbox"/>), posts each once, records the attempt and
/// decides the next step: 2xx delivered; 410 Gone disables the webhook and fails its undelivered messages; otherwise a
/// retry after the next delay of the schedule (±jitter, not before a 429/503 <c>Retry-After</c>), or FAILED when the
/// schedule is exhausted. Wakes up on the outbox's NOTIFY and polls every <c>PollInterval</c> as a safety net; claims
/// again at once only when its batch was full or a delivery released the next version of a shipment, so one commit costs
/// one claim. When idle it sweeps (orphans, suspended webhooks) and, at most every <see cref="PurgeInterval"/>, purges.
/// The webhooks are read from memory (<see cref="WebhookSubscriptionCache"/>); at most <c>MaxConcurrentPerWebhook</c>
/// requests go to one webhook at a time, a message waiting at most <c>QueueWait</c> for a slot before it is given back.
/// </summary>
internal sealed class WebhookDispatcher(
    WebhookOutbox outbox,
    WebhookSender sender,
    WebhookWakeup wakeup,
    IDocumentStore store,
    WebhookSubscriptionCache subscriptions,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    CargamosMetrics metrics,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ReleaseInterval = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, DateTimeOffset> failing = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> released = new();

    // Per webhook (its shipper), the requests this process may have in flight to it: MaxConcurrentPerWebhook, shared by the lanes.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> slots = new(StringComparer.Ordinal);
    private int unavailable;
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;
    private DateTimeOffset lastPurge = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DispatcherEnabled)
        {
            logger.LogInformation("Webhook dispatcher disabled (Webhooks:DispatcherEnabled=false): messages wait in the outbox");
            return;
        }

        var listening = wakeup.ListenAsync(stoppingToken);
        try
        {
            // Lanes claim and send concurrently (SKIP LOCKED keeps them apart; a shipment's next version is not claimable
            // while its earlier one is being sent), so one slow batch does not hold back the next.
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, settings.Lanes)).Select(lane => Lane(lane, stoppingToken)));
        }
        finally
        {
            await listening;
        }
    }

    private async Task Lane(int lane, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var unrecorded = new List<(ClaimedMessage Message, AttemptRecord Attempt)>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int claimed;
                try
                {
                    claimed = await RunOnce(unrecorded, stoppingToken);
                    if (Interlocked.Exchange(ref unavailable, 0) == 1)
                    {
                        logger.LogInformation("The database is back: webhook messages are dispatched again.");
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (DatabaseUnavailability.Is(e))
                {
                    // Logged once per outage (whichever lane meets it first), without a stack; tried again shortly, so
                    // dispatch resumes within about RetryAfterOutage of the database's return.
                    if (Interlocked.Exchange(ref unavailable, 1) == 0)
                    {
                        logger.LogWarning("The database is unavailable ({Error}); webhook messages wait and go out when it is back.", e.GetBaseException().Message);
                    }

                    await WorkerDelay.Pause(RetryAfterOutage, stoppingToken);
                    continue;
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Webhook dispatch failed; trying again in {PollInterval}", settings.PollInterval);
                    claimed = 0;
                }

                // A full batch may mean more are due: this lane claims again at once, and wakes another to claim beside
                // it. A conclusion that released the next version of a shipment signals the wakeup itself. Otherwise
                // nothing is due until a NOTIFY or a retry time: claiming again would find nothing.
                if (claimed >= settings.BatchSize)
                {
                    wakeup.Signal();
                    continue;
                }

                if (lane == 0)
                {
                    await Sweep(stoppingToken);
                    await Purge(stoppingToken);
                }

                await wakeup.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>How soon the dispatcher tries again after the database failed it.</summary>
    internal static readonly TimeSpan RetryAfterOutage = TimeSpan.FromMilliseconds(500);

    private async Task Purge(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        if (now - lastPurge < PurgeInterval)
        {
            return;
        }

        lastPurge = now;
        try
        {
            var purged = await outbox.Purge(options.Value.DeliveredRetention, options.Value.FailedRetention, stoppingToken);
            if (purged > 0)
            {
                logger.LogInformation("Purged {Count} delivered or failed webhook messages past their retention", purged);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Purging old webhook messages did not work; trying again later");
        }
    }

    private async Task Sweep(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        if (now - lastSweep < SweepInterval)
        {
            return;
        }

        lastSweep = now;
        try
        {
            await outbox.FailOrphans(stoppingToken);
            await outbox.ParkSuspended(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Sweeping the messages of disabled, deleted or suspended webhooks did not work; trying again later");
        }
    }

    /// <summary>Claims one batch and attempts each message of it concurrently; the number claimed.</summary>
    private async Task<int> RunOnce(List<(ClaimedMessage Message, AttemptRecord Attempt)> unrecorded, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (unrecorded.Count > 0)
        {
            NextVersionWaits(await outbox.Delivered(unrecorded, CancellationToken.None));
            unrecorded.Clear();
        }

        var batch = await outbox.Claim(settings.BatchSize, settings.Lease, stoppingToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // One span per batch (an empty claim makes none): the sends' HTTP spans and the recording's database spans are its children.
        var claimedAt = Stopwatch.GetTimestamp();
        using var activity = CargamosMetrics.ActivitySource.StartActivity("webhook.dispatch");
        activity?.SetTag("cargamos.webhook.batch_size", batch.Count);
        var webhooks = new Dictionary<string, WebhookSubscription?>(StringComparer.Ordinal);
        foreach (var shipperId in batch.Select(m => m.ShipperId).Distinct())
        {
            webhooks[shipperId] = await subscriptions.Get(shipperId, LoadSubscription, stoppingToken);
        }

        // A webhook whose breaker is open gets no attempt; once its probe time has come, one (its earliest message here)
        // probes the endpoint. The others wait out of every claim's range until the probe's delivery releases them.
        var waiting = batch.Where(m => m.Breaker == BreakerState.Open)
            .Concat(batch.Where(m => m.Breaker == BreakerState.Probing).GroupBy(m => m.ShipperId).SelectMany(g => g.OrderBy(m => m.Id).Skip(1)))
            .ToHashSet();
        if (waiting.Count > 0)
        {
            var open = batch.Where(m => m.Breaker == BreakerState.Open).Select(m => m.ShipperId).ToHashSet(StringComparer.Ordinal);
            await outbox.PostponeBehindBreakers(waiting.ToList(), open, CancellationToken.None);
        }

        var busy = new ConcurrentBag<ClaimedMessage>();
        var outcomes = await Task.WhenAll(batch.Where(m => !waiting.Contains(m)).Select(message =>
            Attempt(message, webhooks.GetValueOrDefault(message.ShipperId), claimedAt, busy, stoppingToken)));
        if (!busy.IsEmpty)
        {
            // Their webhook had no free slot within QueueWait: given back unattempted, claimed again at the next claim.
            await outbox.Release(busy.ToList(), CancellationToken.None);
            logger.LogDebug("Webhook dispatch: {Count} messages given back unattempted: their webhooks were busy for {QueueWait}",
                busy.Count, settings.QueueWait);
        }

        // The batch's deliveries and retries are recorded together (one round trip), even during shutdown: the attempts happened.
        var delivered = outcomes.Where(o => o is { Delay: null }).Select(o => (o!.Value.Message, o.Value.Attempt)).ToList();
        var retries = outcomes.Where(o => o is { Delay: not null }).Select(o => (o!.Value.Message, o.Value.Attempt, o.Value.Delay!.Value)).ToList();
        try
        {
            var recorded = await outbox.Record(delivered, retries, CancellationToken.None);
            NextVersionWaits(recorded.NextVersionWaits);
            foreach (var (shipperId, openUntil, opens) in recorded.Opened)
            {
                // One warning per outage; each failed probe after it reopens the breaker quietly.
                logger.Log(opens == 1 ? LogLevel.Warning : LogLevel.Debug,
                    "Webhook of {ShipperId}: {Threshold} or more attempts failed without a delivery; its breaker is open: "
                    + "its messages wait without an attempt, one probes the endpoint at {ProbeAt:O} (opened {Opens} times)",
                    shipperId, settings.BreakerThreshold, openUntil, opens);
            }

            foreach (var shipperId in recorded.Closed)
            {
                logger.LogInformation("Webhook of {ShipperId}: a delivery closed its breaker", shipperId);
                await Recovered(shipperId, retried: false, breakerClosed: true);
            }

            foreach (var (message, attempt, delay) in retries)
            {
                logger.LogInformation("Webhook message {MessageId} of {ShipperId}: attempt {Attempt} failed ({Error}); next in {Delay}",
                    message.Id, message.ShipperId, message.Attempts, attempt.Error, delay);
                metrics.WebhookAttemptFailed(CargamosMetrics.AttemptOutcomes.Retry);
            }

            var sinceClaim = Stopwatch.GetElapsedTime(claimedAt);
            foreach (var (message, _) in delivered)
            {
                metrics.WebhookDelivered(message.AgeAtClaim + sinceClaim, message.Attempts > 1);
            }
        }
        catch (Exception e) when (DatabaseUnavailability.Is(e))
        {
            // Recorded first thing when the database is back (while this dispatcher still holds their leases: not sent twice).
            // The failed attempts are not: their leases expire and they are tried again.
            unrecorded.AddRange(delivered);
            throw;
        }
        catch (Exception e)
        {
            // The leases expire and the messages are sent again (at least once): nothing is lost.
            logger.LogError(e, "Webhook dispatch: {Count} deliveries and {Retries} failed attempts could not be recorded; they will be sent again",
                delivered.Count, retries.Count);
            return batch.Count;
        }

        foreach (var message in delivered.Select(d => d.Message).GroupBy(m => m.ShipperId).Select(g => g.MaxBy(m => m.Attempts)!))
        {
            await Recovered(message.ShipperId, retried: message.Attempts > 1, breakerClosed: false);
        }

        return batch.Count;
    }

    /// <summary>
    /// Sends one message; a delivery (no delay) or a failed attempt to be retried after its delay is returned to be recorded
    /// with the batch's, any other outcome (the last attempt, a webhook gone or suspended) is recorded here.
    /// </summary>
    private async Task<(ClaimedMessage Message, AttemptRecord Attempt, TimeSpan? Delay)?> Attempt(
        ClaimedMessage message, WebhookSubscription? webhook, long claimedAt, ConcurrentBag<ClaimedMessage> busy, CancellationToken stoppingToken)
    {
        try
        {
            if (webhook is not { Status: WebhookStatus.Active })
            {
                // Suspended or deleted between the claim and now.
                await outbox.Release([message], CancellationToken.None);
                return null;
            }

            // A slot of its webhook, waited for at most QueueWait from the claim, so the attempt (at most Timeout) still
            // ends within the lease; the wait is not part of the attempt's timeout.
            var webhookSlots = slots.GetOrAdd(message.ShipperId, _ => new SemaphoreSlim(options.Value.MaxConcurrentPerWebhook));
            var waitLeft = options.Value.QueueWait - Stopwatch.GetElapsedTime(claimedAt);
            if (!await webhookSlots.WaitAsync(waitLeft > TimeSpan.Zero ? waitLeft : TimeSpan.Zero, stoppingToken))
            {
                busy.Add(message);
                return null;
            }

            SendResult result;
            var attemptedAt = clock.GetUtcNow();
            try
            {
                result = await sender.Send(webhook.Url, message.Id.ToString(), message.Payload, webhook.SigningSecrets(attemptedAt), stoppingToken);
            }
            finally
            {
                webhookSlots.Release();
            }

            var attempt = new AttemptRecord(message.Id, attemptedAt, webhook.Url, result.Status, result.DurationMs, result.Error);
            if (result.Delivered)
            {
                return (message, attempt, null);
            }

            return await ConcludeFailure(message, webhook, result, attempt);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseQuietly(message);
        }
        catch (Exception e)
        {
            // The lease expires and the message is claimed again: nothing is lost.
            logger.LogError(e, "Webhook message {MessageId} of {ShipperId}: the attempt could not be recorded", message.Id, message.ShipperId);
        }

        return null;
    }

    // A retry is returned to be recorded with the batch; the other outcomes are written here, even during shutdown: the
    // attempt happened.
    private async Task<(ClaimedMessage Message, AttemptRecord Attempt, TimeSpan? Delay)?> ConcludeFailure(
        ClaimedMessage message, WebhookSubscription webhook, SendResult result, AttemptRecord attempt)
    {
        var settings = options.Value;

        failing[message.ShipperId] = clock.GetUtcNow();

        if (result.Gone && await Disable(message, webhook, attempt))
        {
            metrics.WebhookAttemptFailed(CargamosMetrics.AttemptOutcomes.Gone);
            return null;
        }

        // A probe's failure does not count against its message's schedule (its attempt count is given back when the retry
        // is recorded), so neither does it end the schedule: its next delay is the one after its counted attempts.
        var counted = message.Breaker == BreakerState.Probing ? Math.Max(1, message.Attempts - 1) : message.Attempts;
        var delay = RetrySchedule.NextDelay(settings.EffectiveRetrySchedule, counted, settings.Jitter, Random.Shared.NextDouble(),
            result.RetryAfter, settings.MaxRetryAfter);
        if (delay is { } next)
        {
            return (message, attempt, next);
        }

        logger.LogWarning("Webhook message {MessageId} of {ShipperId}: failed after {Attempts} attempts ({Error})",
            message.Id, message.ShipperId, message.Attempts, result.Error);
        NextVersionWaits(await outbox.Failed(message, attempt with { Error = $"{result.Error} Last attempt of the schedule: the message failed." },
            CancellationToken.None));
        metrics.WebhookAttemptFailed(CargamosMetrics.AttemptOutcomes.Failed);
        return null;
    }

    /// <summary>
    /// A delivery after failures (seen by this dispatcher, a retry that succeeded, or a probe that closed the breaker:
    /// <paramref name="breakerClosed"/>): the endpoint is back, and its waiting retries are made due at once, at most once
    /// per <see cref="ReleaseInterval"/> per shipper unless this dispatcher saw it fail or its breaker closed.
    /// </summary>
    private async Task Recovered(string shipperId, bool retried, bool breakerClosed)
    {
        var now = clock.GetUtcNow();
        var sawFailures = failing.TryRemove(shipperId, out _);
        if (!sawFailures && !retried && !breakerClosed)
        {
            return;
        }

        if (released.TryGetValue(shipperId, out var last) && now - last < ReleaseInterval && !sawFailures && !breakerClosed)
        {
            return;
        }

        released[shipperId] = now;
        try
        {
            var count = await outbox.ReleaseRetries(shipperId, CancellationToken.None);
            if (count > 0)
            {
                logger.LogInformation("Webhook of {ShipperId} answers again: {Count} messages waiting for a retry are due now", shipperId, count);
                wakeup.Signal();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Webhook of {ShipperId}: its waiting retries could not be made due; they follow the retry schedule", shipperId);
        }
    }

    private async Task<WebhookSubscription?> LoadSubscription(string shipperId, CancellationToken ct)
    {
        await using var reader = store.QuerySession();
        return await reader.LoadAsync<WebhookSubscription>(shipperId, ct);
    }

    // The next version of the shipment became claimable: claim again after this batch rather than at the next poll.
    private void NextVersionWaits(bool waits)
    {
        if (waits)
        {
            wakeup.Signal();
        }
    }

    /// <summary>
    /// 410 Gone: the webhook is disabled and its undelivered messages fail, in one transaction with the attempt. Only if the
    /// webhook still has the URL that answered (a concurrent change by its shipper wins: the attempt then counts as a failure).
    /// </summary>
    private async Task<bool> Disable(ClaimedMessage message, WebhookSubscription webhook, AttemptRecord attempt)
    {
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<WebhookSubscription>(webhook.Id);
        if (current is not { Status: WebhookStatus.Active } || current.Url != webhook.Url)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var reason = $"The endpoint answered 410 Gone at {now:yyyy-MM-dd'T'HH:mm:ss'Z'}: the webhook was disabled; PUT it again or resume it.";
        session.Store(current with { Status = WebhookStatus.Disabled, DisabledReason = reason, UpdatedAt = now });
        session.QueueSqlCommand(WebhookOutbox.AttemptSqlForMarten,
            Guid.CreateVersion7(), attempt.MessageId, attempt.AttemptedAt, attempt.Url, attempt.HttpStatus ?? 410, attempt.DurationMs, attempt.Error ?? "HTTP 410");
        session.QueueSqlCommand($"""
            update {WebhookSchema.Messages} set state = 'FAILED', next_attempt_at = now(), locked_until = null, lock_token = null, last_error = ?
            where shipper_id = ? and state in ('PENDING', 'SENDING')
            """, reason, webhook.Id);
        try
        {
            await session.SaveChangesAsync();
        }
        catch (ConcurrencyException)
        {
            return false;
        }

        logger.LogWarning("Webhook of {ShipperId} disabled: {Url} answered 410 Gone", webhook.Id, webhook.Url);
        return true;
    }

    private async Task ReleaseQuietly(ClaimedMessage message)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await outbox.Release([message], timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Webhook message {MessageId} not released at shutdown; its lease will expire", message.Id);
        }
    }
}
