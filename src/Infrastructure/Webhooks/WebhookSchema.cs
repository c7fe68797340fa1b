using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>The outbox tables of the Webhooks module (created by Weasel with the rest of the schema) and their names.</summary>
public static class WebhookSchema
{
    public const string MessagesTable = "webhook_messages";
    public const string AttemptsTable = "webhook_attempts";
    public const string BreakersTable = "webhook_breakers";

    /// <summary>The subscriptions' table (a stable document alias: the dispatcher joins it in SQL).</summary>
    public const string SubscriptionsTable = "mt_doc_webhook_subscription";

    /// <summary>The PostgreSQL NOTIFY channel that wakes the dispatchers when a message is committed.</summary>
    public const string Channel = "cargamos_webhooks";

    internal static string Messages => $"{MartenStore.Schema}.{MessagesTable}";

    internal static string Attempts => $"{MartenStore.Schema}.{AttemptsTable}";

    internal static string Breakers => $"{MartenStore.Schema}.{BreakersTable}";

    internal static string Subscriptions => $"{MartenStore.Schema}.{SubscriptionsTable}";

    private static PostgresqlObjectName Name(string table) =>
        new(MartenStore.Schema, table, SchemaUtils.IdentifierUsage.General);

    // Undelivered (PENDING or SENDING), in a form Weasel reads back from PostgreSQL as equal, so no start rebuilds the indexes.
    private const string Undelivered = "state <> 'DELIVERED' and state <> 'FAILED'";

    internal static Table MessagesTableDefinition()
    {
        var table = new Table(Name(MessagesTable));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<string>("shipper_id").NotNull();
        table.AddColumn<Guid>("shipment_id");
        table.AddColumn<long>("version");
        table.AddColumn<string>("type").NotNull();

        // json, not jsonb: the body is kept byte for byte as it was signed and listed.
        table.AddColumn("payload", "json").NotNull();
        table.AddColumn<string>("state").NotNull().DefaultValueByString("PENDING");
        table.AddColumn<int>("attempts").NotNull().DefaultValue(0);
        table.AddColumn("next_attempt_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        table.AddColumn("locked_until", "timestamp with time zone");
        table.AddColumn<Guid>("lock_token");
        table.AddColumn("created_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        table.AddColumn("delivered_at", "timestamp with time zone");
        table.AddColumn<string>("last_error");

        // The dispatcher's claim, one index per branch so it never reads a message that is not due: PENDING by its due
        // time, SENDING by its lease (an expired lease is claimable again). A failing endpoint's messages wait outside the
        // range the claim reads until their next attempt.
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_pending_due")
        {
            Columns = ["next_attempt_at"],
            Predicate = "state = 'PENDING'",
        });
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_lease")
        {
            Columns = ["locked_until"],
            Predicate = "state = 'SENDING'",
        });

        // Per shipment the earliest undelivered version (the claim's order check; holding back and releasing successors).
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_shipment")
        {
            Columns = ["shipper_id", "shipment_id", "version"],
            Predicate = Undelivered,
        });

        // The purge: delivered messages by delivery time, failed ones by the time they failed (next_attempt_at, see WebhookOutbox).
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_delivered")
        {
            Columns = ["delivered_at"],
            Predicate = "state = 'DELIVERED'",
        });
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_failed")
        {
            Columns = ["next_attempt_at"],
            Predicate = "state = 'FAILED'",
        });

        // The deliveries API: a shipper's messages, newest first (ids are UUIDv7).
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_shipper") { Columns = ["shipper_id", "id"] });
        return table;
    }

    /// <summary>A suspension parks its webhook's due messages (<c>?</c>: the shipper); they wait for the resume.</summary>
    internal static readonly string ParkSql =
        $"update {Messages} set next_attempt_at = 'infinity' where shipper_id = ? and state = 'PENDING' and next_attempt_at <= now()";

    /// <summary>The resume makes the parked messages of its webhook (<c>?</c>: the shipper) due at once.</summary>
    internal static readonly string ReleaseParkedSql =
        $"update {Messages} set next_attempt_at = now() where shipper_id = ? and state = 'PENDING' and next_attempt_at = 'infinity'";

    /// <summary>
    /// One row per webhook whose endpoint failed since its last delivery (see <see cref="WebhookOutbox"/>, the breaker):
    /// the failed attempts counted, how many times it opened, until when it is open (null: closed, still counting) and
    /// when it last (re)opened.
    /// </summary>
    internal static Table BreakersTableDefinition()
    {
        var table = new Table(Name(BreakersTable));
        table.AddColumn<string>("shipper_id").AsPrimaryKey();
        table.AddColumn<int>("failures").NotNull().DefaultValue(0);
        table.AddColumn<int>("opens").NotNull().DefaultValue(0);
        table.AddColumn("open_until", "timestamp with time zone");
        table.AddColumn("opened_at", "timestamp with time zone");
        return table;
    }

    /// <summary>Any change to a webhook (<c>?</c>: the shipper) closes its breaker: a new address, a resume, a new secret are reasons to try again.</summary>
    internal static readonly string ResetBreakerSql = $"delete from {Breakers} where shipper_id = ?";

    /// <summary>
    /// <paramref name="message"/> (a table alias) is the earliest undelivered version of its shipment, or of no shipment:
    /// no earlier version waits for it. The claim, the releases and the breaker's probe read it.
    /// </summary>
    internal static string EarliestOfItsShipment(string message) => $"""
        ({message}.shipment_id is null or not exists (
                    select 1 from {Messages} earlier
                    where earlier.shipper_id = {message}.shipper_id and earlier.shipment_id = {message}.shipment_id
                      and earlier.state <> 'DELIVERED' and earlier.state <> 'FAILED' and earlier.version < {message}.version))
        """;

    /// <summary>
    /// The webhook's (<paramref name="shipper"/>: a parameter) messages waiting for a later attempt made due at once, only
    /// the earliest undelivered version of each shipment (the next ones follow as each is delivered); a suspended
    /// webhook's parked messages ('infinity') stay parked.
    /// </summary>
    internal static string ReleaseWaitingSql(string shipper) => $"""
        update {Messages} m set next_attempt_at = now()
        where m.shipper_id = {shipper} and m.state = 'PENDING' and m.next_attempt_at > now() and m.next_attempt_at <> 'infinity'
          and {EarliestOfItsShipment("m")}
        """;

    /// <summary>
    /// Before <see cref="ResetBreakerSql"/>: if the webhook (<c>?</c>: the shipper) has a breaker, its waiting messages are
    /// due at once (<see cref="ReleaseWaitingSql"/>), as a probe's delivery would make them.
    /// </summary>
    internal static readonly string ReleaseBehindBreakerSql =
        ReleaseWaitingSql("?") + $" and exists (select 1 from {Breakers} b where b.shipper_id = m.shipper_id)";

    internal static Table AttemptsTableDefinition()
    {
        var table = new Table(Name(AttemptsTable));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<Guid>("message_id").NotNull();
        table.AddColumn("attempted_at", "timestamp with time zone").NotNull();
        table.AddColumn<string>("url").NotNull();
        table.AddColumn<int>("http_status");
        table.AddColumn<int>("duration_ms").NotNull();
        table.AddColumn<string>("error");
        table.Indexes.Add(new IndexDefinition("ix_webhook_attempts_message") { Columns = ["message_id", "attempted_at"] });
        return table;
    }
}
