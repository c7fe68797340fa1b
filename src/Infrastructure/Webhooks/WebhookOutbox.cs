using Cargamos.Modular.Application.Webhooks;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>A message claimed by this dispatcher for one attempt; <see cref="Token"/> fences its outcome against a lease taken over.</summary>
/// <see cref="AgeAtClaim"/>: how long ago the message was recorded when it was claimed (the database's clock), for the delivery lag.
/// <see cref="Breaker"/>: its webhook's breaker at the claim.
internal sealed record ClaimedMessage(
    Guid Id, string ShipperId, Guid? ShipmentId, long? Version, string Type, string Payload, int Attempts, Guid Token,
    TimeSpan AgeAtClaim = default, BreakerState Breaker = BreakerState.Closed);

/// <summary>A webhook's breaker: closed (attempts go out), open (nothing is attempted until its probe time), probing (its probe time has come: one message probes).</summary>
internal enum BreakerState
{
    Closed = 0,
    Open = 1,
    Probing = 2,
}

/// <summary>What recording a batch changed besides the messages: whether a later version is now due, which breakers closed or opened.</summary>
/// <c>Opened</c>: each breaker (re)opened, with its probe time and how many times it has opened since it last closed (1: just now).
internal sealed record RecordOutcome(
    bool NextVersionWaits, IReadOnlyList<string> Closed, IReadOnlyList<(string ShipperId, DateTimeOffset OpenUntil, int Opens)> Opened)
{
    public static readonly RecordOutcome None = new(false, [], []);
}

/// <summary>One HTTP attempt as recorded in <c>webhook_attempts</c>.</summary>
internal sealed record AttemptRecord(Guid MessageId, DateTimeOffset AttemptedAt, string Url, int? HttpStatus, int DurationMs, string? Error);

/// <summary>
/// The consuming half of the outbox, in plain SQL. A claim takes due messages with <c>FOR UPDATE SKIP LOCKED</c> and leases
/// them (state SENDING until <c>locked_until</c>), so concurrent dispatchers of several API instances never hold the same
/// message; a lease that expires (its process died mid-attempt) makes the message claimable again. Per (shipper,
/// shipment) only the earliest undelivered version is claimable, so a shipment's messages go out in version order.
/// </summary>
/// <remarks>
/// Nothing here reads a message that is not due, so the cost of a claim does not grow with the backlog (docs/webhooks.md,
/// "How it works"): the claim reads two partial indexes by due time; a message that must wait for an earlier version of
/// its shipment is not left due (a retry pushes the shipment's later versions to its own next attempt, and the conclusion
/// of the earlier one releases them), and the messages of a suspended webhook are parked (next attempt 'infinity') until its resume. For a FAILED
/// message <c>next_attempt_at</c> is the time it failed: the purge reads it.
/// </remarks>
internal sealed class WebhookOutbox(WebhookDatabase database, IOptions<WebhookOptions> options)
{
    /// <summary>
    /// How long past its probe time a breaker keeps its webhook's other messages out of every claim: the probe's delivery
    /// releases them at once; this only bounds the wait should no probe conclude (a claim then finds the breaker probing).
    /// </summary>
    internal static readonly TimeSpan BreakerParking = TimeSpan.FromHours(1);

    /// <summary>Rows removed by one purge statement.</summary>
    internal const int PurgeBatch = 1000;

    // What makes a due message claimable: its shipper's webhook is active and no earlier version of its shipment waits.
    private static string Claimable(string message) => $"""
        exists (select 1 from {WebhookSchema.Subscriptions} s where s.id = {message}.shipper_id and s.data ->> 'status' = 'Active')
              and {WebhookSchema.EarliestOfItsShipment(message)}
        """;

    // Each state's branch walks its own partial index in due order (ix_webhook_messages_pending_due, _lease), checks each
    // message as it comes (an active webhook; no earlier version of its shipment still undelivered), locks it (SKIP LOCKED:
    // a concurrent claim's rows are passed over) and stops at the limit: a claim reads about as many messages as it takes,
    // whatever the number of due messages behind them (a receiver down for hours). FOR UPDATE cannot apply to a UNION, so
    // the branches lock separately; of the at most 2 x limit rows locked, the earliest due are taken and the others are
    // released when the statement commits (it runs alone, in its own implicit transaction).
    internal static readonly string ClaimSql = $"""
        with pending as (
            select p.id, p.next_attempt_at as due_at from {WebhookSchema.Messages} p
            where p.state = 'PENDING' and p.next_attempt_at <= now()
              and {Claimable("p")}
            order by p.next_attempt_at
            limit @limit
            for update of p skip locked),
        expired as (
            select l.id, l.locked_until as due_at from {WebhookSchema.Messages} l
            where l.state = 'SENDING' and l.locked_until < now()
              and {Claimable("l")}
            order by l.locked_until
            limit @limit
            for update of l skip locked),
        due as (
            select id from (select id, due_at from pending union all select id, due_at from expired) c
            order by c.due_at
            limit @limit)
        update {WebhookSchema.Messages} m
        set state = 'SENDING', locked_until = now() + @lease, lock_token = @token, attempts = m.attempts + 1
        from due
        where m.id = due.id
        returning m.id, m.shipper_id, m.shipment_id, m.version, m.type, m.payload::text, m.attempts, now() - m.created_at,
                  coalesce((select case when b.open_until is null then 0 when b.open_until > now() then 1 else 2 end
                            from {WebhookSchema.Breakers} b where b.shipper_id = m.shipper_id), 0)
        """;

    /// <summary>
    /// The statement after a conclusion (a CTE named <c>concluded</c> returning the concluded messages' shipper_id,
    /// shipment_id, version and next_attempt_at): the later versions of their shipments still waiting get
    /// <paramref name="nextAttempt"/>. Its count says whether one was waiting.
    /// </summary>
    private static string Successors(string nextAttempt) => $"""
        update {WebhookSchema.Messages} n set next_attempt_at = {nextAttempt}
        from concluded c
        where c.shipment_id is not null and n.shipper_id = c.shipper_id and n.shipment_id = c.shipment_id
          and n.state = 'PENDING' and n.version > c.version
        """;

    // A delivery or a final failure makes the later versions due at once (the dispatcher then claims again); a retry
    // holds them back at least until its own next attempt.
    private const string ReleaseSuccessors = "least(n.next_attempt_at, now())";

    // The last attempt of the schedule, only while this dispatcher still holds the message (its lease token).
    private static readonly string FailedSql = $"""
        with concluded as (
            update {WebhookSchema.Messages}
            set state = 'FAILED', next_attempt_at = now(), locked_until = null, lock_token = null, last_error = @error
            where id = @message and lock_token = @token
            returning shipper_id, shipment_id, version, next_attempt_at)
        {Successors(ReleaseSuccessors)}
        """;

    private static readonly string InsertAttemptSql = $"""
        insert into {WebhookSchema.Attempts} (id, message_id, attempted_at, url, http_status, duration_ms, error)
        values (@id, @message, @at, @url, @status, @duration, @error)
        """;

    private long claims;

    /// <summary>Claims run since the start (a burst of commits should cost one, not one or two each).</summary>
    public long Claims => Interlocked.Read(ref claims);

    public async Task<IReadOnlyList<ClaimedMessage>> Claim(int limit, TimeSpan lease, CancellationToken ct)
    {
        Interlocked.Increment(ref claims);
        var token = Guid.NewGuid();
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand(ClaimSql, connection);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("lease", NpgsqlDbType.Interval, lease);
        command.Parameters.AddWithValue("token", token);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<ClaimedMessage>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new ClaimedMessage(reader.GetGuid(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.GetString(4), reader.GetString(5), reader.GetInt32(6), token, reader.GetFieldValue<TimeSpan>(7), (BreakerState)reader.GetInt32(8)));
        }

        return claimed;
    }

    // Every delivery of a batch in one statement: the messages this dispatcher still holds become DELIVERED, and the later
    // versions of their shipments due (the outer update reads the rows as they were before the CTE's: those are other rows).
    private static readonly string DeliveredSql = $"""
        with concluded as (
            update {WebhookSchema.Messages} m
            set state = 'DELIVERED', delivered_at = now(), locked_until = null, lock_token = null, last_error = null
            from unnest(@messages, @tokens) as d(id, token)
            where m.id = d.id and m.lock_token = d.token
            returning m.shipper_id, m.shipment_id, m.version, m.next_attempt_at)
        {Successors(ReleaseSuccessors)}
        """;

    private static readonly string InsertAttemptsSql = $"""
        insert into {WebhookSchema.Attempts} (id, message_id, attempted_at, url, http_status, duration_ms, error)
        select * from unnest(@ids, @messages, @ats, @urls, @statuses, @durations, @errors)
        """;

    // Every retry of a batch in one statement: each message this dispatcher still holds waits for its own next attempt,
    // and the later versions of its shipment wait for it at least that long (a batch holds at most one message per
    // shipment: only a shipment's earliest undelivered version is claimable).
    private static readonly string RetriesSql = $"""
        with concluded as (
            update {WebhookSchema.Messages} m
            set state = 'PENDING', next_attempt_at = now() + r.delay, locked_until = null, lock_token = null, last_error = r.error,
                attempts = m.attempts - case when r.probe then 1 else 0 end
            from unnest(@retries, @retryTokens, @delays, @retryErrors, @probes) as r(id, token, delay, error, probe)
            where m.id = r.id and m.lock_token = r.token
            returning m.shipper_id, m.shipment_id, m.version, m.next_attempt_at)
        {Successors("greatest(n.next_attempt_at, c.next_attempt_at)")}
        """;

    // The breakers of the batch's webhooks, first in the batch: a webhook with a delivery closes (its row goes: the caller
    // then releases its waiting messages); one with failed attempts only counts them, and opens when they reach the
    // threshold: at once if closed, again (the next probe later, doubling up to the maximum) when a probe failed.
    // Returns the ones closed that were open (a row still counting goes quietly) and the ones (re)opened by this
    // transaction (opened_at = now()).
    private static readonly string BreakersSql = $"""
        with outcome as (
            select o.shipper_id, bool_or(o.delivered) as delivered, (count(*) filter (where not o.delivered))::int as failed
            from unnest(@outcomeShippers, @outcomeDelivered) as o(shipper_id, delivered)
            group by o.shipper_id),
        closed as (
            delete from {WebhookSchema.Breakers} b using outcome o
            where b.shipper_id = o.shipper_id and o.delivered
            returning b.shipper_id, b.open_until is not null as was_open),
        counted as (
            insert into {WebhookSchema.Breakers} as b (shipper_id, failures, opens, open_until, opened_at)
            select o.shipper_id, o.failed, case when o.failed >= @threshold then 1 else 0 end,
                   case when o.failed >= @threshold then now() + @firstProbe end, case when o.failed >= @threshold then now() end
            from outcome o where not o.delivered
            on conflict (shipper_id) do update set
                failures = b.failures + excluded.failures,
                opens = case when {Reopens} then b.opens + 1 else b.opens end,
                open_until = case when {Reopens} then now() + least(@maxProbe, @firstProbe * power(2, least(b.opens, 20))) else b.open_until end,
                opened_at = case when {Reopens} then now() else b.opened_at end
            returning b.shipper_id, b.open_until, b.opened_at, b.opens)
        select shipper_id, true, null::timestamptz, 0 from closed where was_open
        union all
        select shipper_id, false, open_until, opens from counted where opened_at = now()
        """;

    // Enough failures, and closed or its probe time come (a probe failed, or a message sent before it opened).
    private const string Reopens = "b.failures + excluded.failures >= @threshold and (b.open_until is null or b.open_until <= now())";

    // The breakers of the batch's failing webhooks (re)opened by this transaction (BreakersSql runs first in it).
    private const string JustOpened = "b.shipper_id = any(@failing) and b.opened_at = now()";

    // A message of breaker b's webhook waiting and due before b's probe time: parked behind it (the probe, due at it, never).
    private static string DueBeforeProbe(string message) =>
        $"{message}.shipper_id = b.shipper_id and {message}.state = 'PENDING' and {message}.next_attempt_at < b.open_until";

    // A breaker (re)opened by this transaction parks its webhook's messages due before its probe time for BreakerParking
    // past it (out of every claim's range: they wait for the probe; its delivery releases them), then puts back the
    // earliest claimable one at the probe time: the probe. A probe's failure does not use up its message's schedule (the
    // retries above), so the same message may probe again; what bounds a message's life then is its age (below).
    private static readonly string ParkBehindBreakerSql = $"""
        update {WebhookSchema.Messages} m set next_attempt_at = b.open_until + @parking
        from {WebhookSchema.Breakers} b
        where {JustOpened} and {DueBeforeProbe("m")}
        """;

    private static readonly string ProbeSql = $"""
        update {WebhookSchema.Messages} m set next_attempt_at = b.open_until
        from {WebhookSchema.Breakers} b
        where {JustOpened}
          and m.id = (select p.id from {WebhookSchema.Messages} p
                      where p.shipper_id = b.shipper_id and p.state = 'PENDING' and p.next_attempt_at <> 'infinity' and {Claimable("p")}
                      order by p.id
                      limit 1)
        """;

    // Messages an open breaker kept waiting do not outlive the retry schedule: each time it (re)opens, those of its webhook
    // recorded longer ago than the schedule spans (plus its jitter) fail, as their last attempt would have made them fail.
    private static readonly string ExpireBehindBreakerSql = $"""
        update {WebhookSchema.Messages} m
        set state = 'FAILED', next_attempt_at = now(), locked_until = null, lock_token = null, last_error = @expired
        from {WebhookSchema.Breakers} b
        where {JustOpened}
          and m.shipper_id = b.shipper_id and m.state = 'PENDING' and m.created_at < now() - @span
        """;

    /// <summary>
    /// Records the deliveries of a batch in one round trip (their attempts, and each message this dispatcher still holds
    /// marked delivered, in one implicit transaction); true when a later version of one of their shipments waits (and is
    /// now due).
    /// </summary>
    public async Task<bool> Delivered(IReadOnlyList<(ClaimedMessage Message, AttemptRecord Attempt)> deliveries, CancellationToken ct) =>
        (await Record(deliveries, [], ct)).NextVersionWaits;

    /// <summary>
    /// Records what a batch's attempts came to in one round trip, in one implicit transaction: the breakers of their
    /// webhooks (closed by a delivery, counting failures, opened at the threshold: the webhook's messages due before the
    /// probe time wait for it, and those older than the retry schedule fail), every attempt, the deliveries (each message
    /// this dispatcher still holds marked delivered, the later versions of its shipment due) and the failed attempts to be
    /// retried (each message it still holds waiting <c>Delay</c> for its next attempt, the later versions of its shipment
    /// at least as long).
    /// </summary>
    public async Task<RecordOutcome> Record(IReadOnlyList<(ClaimedMessage Message, AttemptRecord Attempt)> deliveries,
        IReadOnlyList<(ClaimedMessage Message, AttemptRecord Attempt, TimeSpan Delay)> retries, CancellationToken ct)
    {
        if (deliveries.Count == 0 && retries.Count == 0)
        {
            return RecordOutcome.None;
        }

        var settings = options.Value;
        await using var connection = await database.Open(ct);
        await using var batch = new NpgsqlBatch(connection);
        var breakers = new NpgsqlBatchCommand(BreakersSql);
        breakers.Parameters.AddWithValue("outcomeShippers",
            deliveries.Select(d => d.Message.ShipperId).Concat(retries.Select(r => r.Message.ShipperId)).ToArray());
        breakers.Parameters.AddWithValue("outcomeDelivered", deliveries.Select(_ => true).Concat(retries.Select(_ => false)).ToArray());
        breakers.Parameters.AddWithValue("threshold", settings.BreakerThreshold);
        breakers.Parameters.AddWithValue("firstProbe", NpgsqlDbType.Interval, settings.BreakerFirstProbe);
        breakers.Parameters.AddWithValue("maxProbe", NpgsqlDbType.Interval, settings.BreakerMaxProbe);
        batch.BatchCommands.Add(breakers);

        var attempted = deliveries.Select(d => d.Attempt).Concat(retries.Select(r => r.Attempt)).ToList();
        var attempts = new NpgsqlBatchCommand(InsertAttemptsSql);
        attempts.Parameters.AddWithValue("ids", attempted.Select(_ => Guid.CreateVersion7()).ToArray());
        attempts.Parameters.AddWithValue("messages", attempted.Select(a => a.MessageId).ToArray());
        attempts.Parameters.AddWithValue("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, attempted.Select(a => a.AttemptedAt.UtcDateTime).ToArray());
        attempts.Parameters.AddWithValue("urls", attempted.Select(a => a.Url).ToArray());
        attempts.Parameters.AddWithValue("statuses", NpgsqlDbType.Array | NpgsqlDbType.Integer, attempted.Select(a => a.HttpStatus).ToArray());
        attempts.Parameters.AddWithValue("durations", attempted.Select(a => a.DurationMs).ToArray());
        attempts.Parameters.AddWithValue("errors", NpgsqlDbType.Array | NpgsqlDbType.Text, attempted.Select(a => a.Error).ToArray());
        batch.BatchCommands.Add(attempts);

        NpgsqlBatchCommand? delivered = null;
        if (deliveries.Count > 0)
        {
            delivered = new NpgsqlBatchCommand(DeliveredSql);
            delivered.Parameters.AddWithValue("messages", deliveries.Select(d => d.Message.Id).ToArray());
            delivered.Parameters.AddWithValue("tokens", deliveries.Select(d => d.Message.Token).ToArray());
            batch.BatchCommands.Add(delivered);
        }

        if (retries.Count > 0)
        {
            var retried = new NpgsqlBatchCommand(RetriesSql);
            retried.Parameters.AddWithValue("retries", retries.Select(r => r.Message.Id).ToArray());
            retried.Parameters.AddWithValue("retryTokens", retries.Select(r => r.Message.Token).ToArray());
            retried.Parameters.AddWithValue("delays", NpgsqlDbType.Array | NpgsqlDbType.Interval, retries.Select(r => r.Delay).ToArray());
            retried.Parameters.AddWithValue("retryErrors", NpgsqlDbType.Array | NpgsqlDbType.Text, retries.Select(r => r.Attempt.Error).ToArray());
            retried.Parameters.AddWithValue("probes", retries.Select(r => r.Message.Breaker == BreakerState.Probing).ToArray());
            batch.BatchCommands.Add(retried);

            var failing = retries.Select(r => r.Message.ShipperId).Distinct().ToArray();
            var park = new NpgsqlBatchCommand(ParkBehindBreakerSql);
            park.Parameters.AddWithValue("failing", failing);
            park.Parameters.AddWithValue("parking", NpgsqlDbType.Interval, BreakerParking);
            batch.BatchCommands.Add(park);

            var probe = new NpgsqlBatchCommand(ProbeSql);
            probe.Parameters.AddWithValue("failing", failing);
            batch.BatchCommands.Add(probe);

            var span = settings.RetrySpan * (1 + settings.Jitter);
            var expire = new NpgsqlBatchCommand(ExpireBehindBreakerSql);
            expire.Parameters.AddWithValue("failing", failing);
            expire.Parameters.AddWithValue("span", NpgsqlDbType.Interval, span);
            expire.Parameters.AddWithValue("expired", $"Not delivered within {span} of being recorded (the retry schedule's span): " +
                "its webhook's endpoint kept failing, and its breaker held the message back.");
            batch.BatchCommands.Add(expire);
        }

        var closed = new List<string>();
        var opened = new List<(string, DateTimeOffset, int)>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(1))
                {
                    closed.Add(reader.GetString(0));
                }
                else
                {
                    opened.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3)));
                }
            }

            while (await reader.NextResultAsync(ct))
            {
            }
        }

        return new RecordOutcome(delivered is { RecordsAffected: > 0 }, closed, opened);
    }

    /// <summary>
    /// Fails the waiting messages of webhooks that were disabled or deleted. Disabling and deleting fail them in their own
    /// transaction, but a command committing at that very moment may still have recorded one against the webhook as it was.
    /// </summary>
    public async Task<int> FailOrphans(CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {WebhookSchema.Messages} m
            set state = 'FAILED', next_attempt_at = now(), locked_until = null, lock_token = null,
                last_error = coalesce(s.data ->> 'disabledReason', 'The webhook was deleted before this message was delivered.')
            from {WebhookSchema.Messages} o
            left join {WebhookSchema.Subscriptions} s on s.id = o.shipper_id
            where m.id = o.id and o.state = 'PENDING' and o.next_attempt_at <= now() and (s.id is null or s.data ->> 'status' = 'Disabled')
            """, connection);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Parks the due messages of suspended webhooks (next attempt 'infinity'): they wait for the resume, which makes them
    /// due again (<see cref="WebhookSchema.ReleaseParkedSql"/>), and no claim reads them meanwhile. The suspension itself
    /// parks its webhook's due messages; this catches the ones committed at that very moment.
    /// </summary>
    public async Task<int> ParkSuspended(CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand($"""
            update {WebhookSchema.Messages} m
            set next_attempt_at = 'infinity'
            from {WebhookSchema.Subscriptions} s
            where m.state = 'PENDING' and m.next_attempt_at <= now() and s.id = m.shipper_id and s.data ->> 'status' = 'Suspended'
            """, connection);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Deletes delivered messages older than <paramref name="deliveredRetention"/> and failed ones older than
    /// <paramref name="failedRetention"/>, with their attempts, <see cref="PurgeBatch"/> messages per statement (each its
    /// own transaction, so no long lock), repeated while a batch was full. The number of messages deleted.
    /// </summary>
    public async Task<int> Purge(TimeSpan deliveredRetention, TimeSpan failedRetention, CancellationToken ct)
    {
        var purged = 0;
        foreach (var (state, time, retention) in new[] { ("DELIVERED", "delivered_at", deliveredRetention), ("FAILED", "next_attempt_at", failedRetention) })
        {
            int deleted;
            do
            {
                await using var connection = await database.Open(ct);
                await using var command = new NpgsqlCommand($"""
                    with doomed as (
                        select id from {WebhookSchema.Messages}
                        where state = '{state}' and {time} < now() - @retention
                        order by {time}
                        limit @batch
                        for update skip locked),
                    attempts as (
                        delete from {WebhookSchema.Attempts} a using doomed where a.message_id = doomed.id)
                    delete from {WebhookSchema.Messages} m using doomed where m.id = doomed.id
                    """, connection);
                command.Parameters.AddWithValue("retention", NpgsqlDbType.Interval, retention);
                command.Parameters.AddWithValue("batch", PurgeBatch);
                deleted = await command.ExecuteNonQueryAsync(ct);
                purged += deleted;
            }
            while (deleted == PurgeBatch);
        }

        return purged;
    }

    /// <summary>
    /// The endpoint answers again: the shipper's messages waiting for a later retry are due now (only the earliest
    /// undelivered version of each shipment; the next ones follow as each is delivered), so a backlog drains at the
    /// endpoint's pace, not the retry schedule's. Reads the shipper's undelivered messages once; their count.
    /// </summary>
    public async Task<int> ReleaseRetries(string shipperId, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var command = new NpgsqlCommand(WebhookSchema.ReleaseWaitingSql("@shipper"), connection);
        command.Parameters.AddWithValue("shipper", shipperId);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Gives claimed messages back without an attempt (shutdown, the webhook stopped being active meanwhile, or it had no
    /// free slot in time), each only while this dispatcher still holds it; they stay due.
    /// </summary>
    public Task Release(IReadOnlyList<ClaimedMessage> messages, CancellationToken ct) => GiveBack(messages, TimeSpan.Zero, ct);

    /// <summary>
    /// Gives claimed messages back without an attempt, due <see cref="BreakerParking"/> from now at the earliest (their
    /// webhook's breaker is open, or another message probes it: its outcome either parks them or releases them). For the
    /// webhooks in <paramref name="openShippers"/> (breaker open) it also parks, in the same round trip, up to
    /// <see cref="ParkedPerClaim"/> more of their messages due before their probe time, as a (re)opening breaker parks them:
    /// a backlog found due behind an open breaker (messages recorded due before it opened and not parked by it, or made due
    /// by a release) leaves the claims' range a few thousand rows per claim instead of a batch per claim, and is never read
    /// again before its new time.
    /// </summary>
    public async Task PostponeBehindBreakers(IReadOnlyList<ClaimedMessage> messages, IReadOnlyCollection<string> openShippers, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(GiveBackCommand(messages, BreakerParking));
        if (openShippers.Count > 0)
        {
            var park = new NpgsqlBatchCommand(ParkDueBehindOpenBreakersSql);
            park.Parameters.AddWithValue("shippers", openShippers.ToArray());
            park.Parameters.AddWithValue("most", ParkedPerClaim);
            park.Parameters.AddWithValue("parking", NpgsqlDbType.Interval, BreakerParking);
            batch.BatchCommands.Add(park);
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The most messages one claim parks behind open breakers (<see cref="PostponeBehindBreakers"/>).</summary>
    internal const int ParkedPerClaim = 5_000;

    // The messages of webhooks whose breaker is still open that are due before its probe time (so never the probe itself,
    // due at it), by the index on (shipper_id, id); the rows another dispatcher holds are left to it.
    private static readonly string ParkDueBehindOpenBreakersSql = $"""
        with parked as (
            select p.id, b.open_until from {WebhookSchema.Breakers} b
            join {WebhookSchema.Messages} p on {DueBeforeProbe("p")}
            where b.shipper_id = any(@shippers) and b.open_until > now()
            limit @most
            for update of p skip locked)
        update {WebhookSchema.Messages} m set next_attempt_at = parked.open_until + @parking
        from parked where m.id = parked.id
        """;

    private async Task GiveBack(IReadOnlyList<ClaimedMessage> messages, TimeSpan delay, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(GiveBackCommand(messages, delay));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand GiveBackCommand(IReadOnlyList<ClaimedMessage> messages, TimeSpan delay)
    {
        var command = new NpgsqlBatchCommand($"""
            update {WebhookSchema.Messages} m set state = 'PENDING', attempts = greatest(m.attempts - 1, 0), locked_until = null, lock_token = null,
                next_attempt_at = case when @delay > interval '0' then greatest(m.next_attempt_at, now() + @delay) else m.next_attempt_at end
            from unnest(@messages, @tokens) as r(id, token)
            where m.id = r.id and m.lock_token = r.token
            """);
        command.Parameters.AddWithValue("messages", messages.Select(m => m.Id).ToArray());
        command.Parameters.AddWithValue("tokens", messages.Select(m => m.Token).ToArray());
        command.Parameters.AddWithValue("delay", NpgsqlDbType.Interval, delay);
        return command;
    }

    /// <summary>
    /// Records the last failed attempt and the message's failure in one round trip (a batch without a transaction is one
    /// implicit transaction: both or neither). The attempt is recorded whatever happens; the failure, and the later
    /// versions of its shipment made due, only if this dispatcher still holds its lease. True when a later version was
    /// waiting for this one (and is now due).
    /// </summary>
    public async Task<bool> Failed(ClaimedMessage message, AttemptRecord attempt, CancellationToken ct)
    {
        await using var connection = await database.Open(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(AttemptCommand(attempt));
        var conclusion = new NpgsqlBatchCommand(FailedSql);
        conclusion.Parameters.AddWithValue("message", message.Id);
        conclusion.Parameters.AddWithValue("token", message.Token);
        conclusion.Parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)attempt.Error ?? DBNull.Value);
        batch.BatchCommands.Add(conclusion);
        await batch.ExecuteNonQueryAsync(ct);
        return conclusion.RecordsAffected > 0;
    }

    internal static NpgsqlBatchCommand AttemptCommand(AttemptRecord attempt)
    {
        var command = new NpgsqlBatchCommand(InsertAttemptSql);
        AddAttemptParameters(command.Parameters, attempt);
        return command;
    }

    internal static string AttemptSqlForMarten =>
        $"insert into {WebhookSchema.Attempts} (id, message_id, attempted_at, url, http_status, duration_ms, error) values (?, ?, ?, ?, ?, ?, ?)";

    private static void AddAttemptParameters(NpgsqlParameterCollection parameters, AttemptRecord attempt)
    {
        parameters.AddWithValue("id", Guid.CreateVersion7());
        parameters.AddWithValue("message", attempt.MessageId);
        parameters.AddWithValue("at", attempt.AttemptedAt);
        parameters.AddWithValue("url", attempt.Url);
        parameters.AddWithValue("status", NpgsqlDbType.Integer, (object?)attempt.HttpStatus ?? DBNull.Value);
        parameters.AddWithValue("duration", attempt.DurationMs);
        parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)attempt.Error ?? DBNull.Value);
    }
}
