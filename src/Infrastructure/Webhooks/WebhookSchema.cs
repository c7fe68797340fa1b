using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Application.Webhooks.Ports;
using Cargamos.Modular.Infrastructure.Marten;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// Shipper webhooks in the Marten store: the subscriptions (documents), the outbox of messages and their attempts (tables
/// created by Weasel with the rest of the schema), the session listener that records messages in the same transaction as
/// the events, and the dispatcher that sends them.
/// </summary>
public static class WebhookSchema
{
    public const string MessagesTable = "webhook_messages";
    public const string AttemptsTable = "webhook_attempts";

    /// <summary>The subscriptions' table (a stable document alias: the dispatcher joins it in SQL).</summary>
    public const string SubscriptionsTable = "mt_doc_webhook_subscription";

    /// <summary>The PostgreSQL NOTIFY channel that wakes the dispatchers when a message is committed.</summary>
    public const string Channel = "cargamos_webhooks";

    internal static string Messages => $"{InfrastructureRegistration.Schema}.{MessagesTable}";

    internal static string Attempts => $"{InfrastructureRegistration.Schema}.{AttemptsTable}";

    internal static string Subscriptions => $"{InfrastructureRegistration.Schema}.{SubscriptionsTable}";

    /// <summary>Called from InfrastructureRegistration.ConfigureStore.</summary>
    public static void Configure(StoreOptions options)
    {
        options.Schema.For<WebhookSubscription>().DocumentAlias("webhook_subscription").UseOptimisticConcurrency(true);
        options.Storage.ExtendedSchemaObjects.Add(MessagesTableDefinition());
        options.Storage.ExtendedSchemaObjects.Add(AttemptsTableDefinition());
        options.Listeners.Add(new WebhookOutboxListener(TimeProvider.System));
    }

    /// <summary>Options (section <c>Webhooks</c>), the port adapters, the HTTP client and the dispatcher. Call after AddMarten.</summary>
    public static IServiceCollection AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .PostConfigure<IHostEnvironment>((options, environment) =>
            {
                var relaxed = environment.IsDevelopment() || environment.IsEnvironment("Testing");
                options.RequireHttps ??= !relaxed;
                options.BlockPrivateNetworks ??= !relaxed;
            })
            .Validate(o => o.BatchSize > 0 && o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero
                           && o.Jitter is >= 0 and < 1 && o.EffectiveRetrySchedule.All(d => d >= TimeSpan.Zero),
                "Webhooks: BatchSize, Timeout and PollInterval must be positive, Jitter in [0, 1), RetrySchedule delays not negative.")
            .ValidateOnStart();

        services.AddSingleton<WebhookDatabase>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<WebhookWakeup>();
        services.AddSingleton<IWebhookUrlGuard, WebhookUrlGuard>();
        services.AddScoped<IWebhookSubscriptions, MartenWebhookSubscriptions>();
        services.AddScoped<IWebhookDeliveries, WebhookDeliveriesStore>();
        WebhookSender.AddHttpClient(services);
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }

    private static PostgresqlObjectName Name(string table) =>
        new(InfrastructureRegistration.Schema, table, SchemaUtils.IdentifierUsage.General);

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

        // The dispatcher's claim: due messages, and per shipment the earliest undelivered version.
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_due")
        {
            Columns = ["next_attempt_at"],
            Predicate = Undelivered,
        });
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_shipment")
        {
            Columns = ["shipper_id", "shipment_id", "version"],
            Predicate = Undelivered,
        });

        // The deliveries API: a shipper's messages, newest first (ids are UUIDv7).
        table.Indexes.Add(new IndexDefinition("ix_webhook_messages_shipper") { Columns = ["shipper_id", "id"] });
        return table;
    }

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
