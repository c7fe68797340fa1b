using Cargamos.Modular.Application.Common.Ports;
using JasperFx;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Weasel.Core;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// The one Marten store every module shares (schema <see cref="Schema"/>): connection, JSON conventions and event-store
/// settings. Each module adds its own documents, projections, tables and listeners with <c>ConfigureMarten</c> in its
/// <c>Add&lt;Module&gt;()</c>; this class knows no module.
/// </summary>
public static class MartenStore
{
    public const string Schema = "cargamos";

    /// <summary>Marten over <paramref name="connectionString"/>, the clock and the idempotency keys. Call before any <c>Add&lt;Module&gt;()</c>.</summary>
    public static IServiceCollection AddCargamosStore(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMarten(options => ConfigureStore(options, connectionString))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        services.AddScoped<IIdempotencyStore, MartenIdempotencyStore>();
        return services;
    }

    internal static void ConfigureStore(StoreOptions options, string connectionString)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
    }
}
