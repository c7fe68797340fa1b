using Cargamos.Modular.Application.Common.Ports;
using JasperFx;
using JasperFx.Events;
using System.Text.Json.Serialization.Metadata;
using Marten;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Weasel.Core;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// The one Marten store every module shares (schema <see cref="Schema"/>): connection, JSON conventions and event-store
/// settings. Each module adds its own documents, projections, tables and listeners with <c>ConfigureMarten</c> in its
/// <c>Add&lt;Module&gt;()</c>; this class knows no module. Modules name their reference documents with
/// <see cref="ReferenceDocuments.AddReferenceDocument{T}"/> (see <see cref="ReferenceDataChanges"/>).
/// </summary>
public static class MartenStore
{
    public const string Schema = "cargamos";

    /// <summary>Marten over <paramref name="connectionString"/>, the clock and the idempotency keys. Call before any <c>Add&lt;Module&gt;()</c>.</summary>
    public static IServiceCollection AddCargamosStore(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMarten(provider =>
            {
                var options = new StoreOptions();
                ConfigureStore(options, connectionString, provider.GetServices<StoredJsonModifier>());
                options.Listeners.Add(new ReferenceDataSessionListener(
                    provider.GetServices<ReferenceDocumentType>().DistinctBy(t => t.Type).ToArray(),
                    provider.GetRequiredService<ReferenceDataChanges>()));
                return options;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        services.AddHostedService<StorageCompression>(); // after the schema is applied: hosted services start in order
        services.AddScoped<IIdempotencyStore, MartenIdempotencyStore>();
        services.AddSingleton<BulkStreams>();
        services.AddReferenceDataChanges();
        return services;
    }

    internal static void ConfigureStore(StoreOptions options, string connectionString, IEnumerable<StoredJsonModifier> modifiers)
    {
        options.Connection(Tuned(connectionString));
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        var storedModifiers = modifiers.Select(m => m.Modify).ToArray();
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, json =>
        {
            foreach (var modify in storedModifiers)
            {
                json.TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(modify);
            }
        });
        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;

        // A span per session's connection ("marten.connection") only while a tracer listens to "Marten" (an OTLP endpoint is
        // configured); not Verbose, which adds an event per operation. The counter marten.event.append is one Add per event,
        // by a session listener after the commit (the spreadsheet bulk writer runs the store's listeners too).
        options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
        options.OpenTelemetry.TrackEventCounters();
        // Declared, not created on first use, so db-apply/db-assert know its table (docs/operations.md).
        options.Schema.For<IdempotencyRecord>();
    }

    /// <summary>How long opening a connection (or waiting for one from the full pool) may take, unless the connection string says.</summary>
    public const int ConnectTimeoutSeconds = 2;

    /// <summary>
    /// The connection string with the pool settings the hot path is measured with (docs/performance.md), each applied
    /// only where the operator's connection string does not set it: every statement the API sends is one of a few dozen
    /// texts, so Npgsql prepares them after their second use (<c>Max Auto Prepare</c>; PostgreSQL then skips parsing and
    /// planning, about half of its CPU per order), and a connection going back to the pool is not reset with
    /// <c>DISCARD ALL</c> (<c>No Reset On Close</c>: nothing here leaves session state behind, and the reset would drop
    /// the prepared statements); opening a connection gives up after <see cref="ConnectTimeoutSeconds"/>.
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("maxautoprepare"))
        {
            tuned.MaxAutoPrepare = 100;
        }

        if (!given.Contains("autoprepareminusages"))
        {
            tuned.AutoPrepareMinUsages = 2;
        }

        if (!given.Contains("noresetonclose"))
        {
            tuned.NoResetOnClose = true;
        }

        // A database that does not answer (blackholed, failing over) or a pool that stays exhausted is reported as 503
        // SERVICE_UNAVAILABLE within 2 s, not after Npgsql's default 15 s; a healthy local connect takes milliseconds.
        if (!given.Contains("timeout"))
        {
            tuned.Timeout = ConnectTimeoutSeconds;
        }

        return tuned.ConnectionString;
    }
}

/// <summary>A module's change to how the store (not the API) writes one of its documents, e.g. a field kept off the wire but stored.</summary>
public sealed record StoredJsonModifier(Action<JsonTypeInfo> Modify);
