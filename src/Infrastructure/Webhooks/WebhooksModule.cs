using Cargamos.Modular.Application.Shipments.Contracts;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Application.Webhooks.Ports;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// The Webhooks module: the shippers' subscriptions (documents), the outbox of messages and their attempts (tables created
/// with the rest of the schema), the session listener that records messages in the same transaction as the events, and
/// the dispatcher that sends them. Options: section <c>Webhooks</c>.
/// </summary>
public static class WebhooksModule
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureMarten((provider, options) =>
        {
            options.Schema.For<WebhookSubscription>().DocumentAlias("webhook_subscription").UseOptimisticConcurrency(true);
            options.Storage.ExtendedSchemaObjects.Add(WebhookSchema.MessagesTableDefinition());
            options.Storage.ExtendedSchemaObjects.Add(WebhookSchema.AttemptsTableDefinition());
            options.Storage.ExtendedSchemaObjects.Add(WebhookSchema.BreakersTableDefinition());
            options.Storage.ExtendedSchemaObjects.Add(PostgresKeyRing.TableDefinition());
            options.Listeners.Add(new WebhookOutboxListener(TimeProvider.System, provider.GetRequiredService<WebhookSubscriptionCache>(),
                provider.GetRequiredService<ITrackingPages>()));
        });
        services.AddReferenceDocument<WebhookSubscription>();
        services.AddSingleton<WebhookSubscriptionCache>();

        // Signing secrets encrypted at rest, with a key ring every process over the database shares.
        var connectionString = configuration.GetConnectionString("Postgres");
        services.AddDataProtection().SetApplicationName("Cargamos.Modular");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            services.Configure<KeyManagementOptions>(o => o.XmlRepository = new PostgresKeyRing(connectionString));
        }

        services.AddSingleton(provider => new StoredJsonModifier(WebhookSecretStorage.Protect(provider.GetRequiredService<IDataProtectionProvider>())));

        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .PostConfigure<IHostEnvironment>((options, environment) =>
            {
                var relaxed = HostingModes.IsRelaxed(environment);
                options.RequireHttps ??= !relaxed;
                options.BlockPrivateNetworks ??= !relaxed;
            })
            .Validate(o => o.BatchSize > 0 && o.MaxConcurrentPerWebhook > 0 && o.QueueWait >= TimeSpan.Zero && o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero
                           && o.Jitter is >= 0 and < 1 && o.EffectiveRetrySchedule.All(d => d >= TimeSpan.Zero)
                           && o.DeliveredRetention > TimeSpan.Zero && o.FailedRetention > TimeSpan.Zero
                           && o.BreakerThreshold > 0 && o.BreakerFirstProbe > TimeSpan.Zero && o.BreakerMaxProbe >= o.BreakerFirstProbe,
                "Webhooks: BatchSize, MaxConcurrentPerWebhook, BreakerThreshold, BreakerFirstProbe (at most BreakerMaxProbe), Timeout, PollInterval, DeliveredRetention and FailedRetention must be positive, Jitter in [0, 1), QueueWait and RetrySchedule delays not negative.")
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
        services.AddHostedService<WebhookBacklog>();
        return services;
    }
}
