using Cargamos.Modular.Application.Access;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Infrastructure.DemoData;
using Cargamos.Modular.Infrastructure.Integration;
using Cargamos.Modular.Infrastructure.ReferenceData;
using Cargamos.Modular.Infrastructure.Vtex;
using Cargamos.Modular.Infrastructure.Shipments;
using Cargamos.Modular.Infrastructure.Webhooks;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Marten.Schema;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Cargamos.Modular.Infrastructure.Marten;

public static class InfrastructureRegistration
{
    public const string Schema = "cargamos";

    /// <summary>Marten (event store, projections, documents) and every adapter of an Application port.</summary>
    public static IServiceCollection AddCargamosInfrastructure(this IServiceCollection services, string connectionString, bool seedDemoData)
    {
        services.AddMarten(options => ConfigureStore(options, connectionString))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();

        // Every port adapter in this assembly, by convention (Scrutor): one per request scope.
        services.Scan(scan => scan
            .FromAssemblyOf<ShipmentProjection>()
            .AddClasses(classes => classes.InNamespaces(
                "Cargamos.Modular.Infrastructure.Marten",
                "Cargamos.Modular.Infrastructure.Shipments",
                "Cargamos.Modular.Infrastructure.Access",
                "Cargamos.Modular.Infrastructure.Integration",
                "Cargamos.Modular.Infrastructure.ReferenceData",
                "Cargamos.Modular.Infrastructure.Vtex").AssignableToAny(PortTypes), publicOnly: false)
            .AsImplementedInterfaces()
            .WithScopedLifetime());
        ReferenceDataSchema.AddServices(services);

        if (seedDemoData)
        {
            services.AddHostedService<DemoDataSeeder>();
            ReferenceDataSchema.AddDemoData(services);
        }

        return services;
    }

    private static readonly Type[] PortTypes =
        typeof(IShipmentStore).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.Namespace == typeof(IShipmentStore).Namespace)
            .ToArray();

    internal static void ConfigureStore(StoreOptions options, string connectionString)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.AddEventTypes(typeof(IShipmentEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IShipmentEvent).IsAssignableFrom(t)));

        options.Projections.Add(new ShipmentProjection(), ProjectionLifecycle.Live);
        options.Projections.Add(new ShipmentTrackingProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new VtexServiceProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<VtexServiceView>();

        options.Schema.For<ShipmentTracking>()
            .Index(t => t.TrackingId)
            .Duplicate(t => t.ShipperId)
            .Duplicate(t => t.CreatedAt)
            .UniqueIndex(UniqueIndexType.Computed, "ux_tracking_shipper_tracking_id", t => t.ShipperId, t => t.TrackingId);
        IntegrationLotSchema.Configure(options);
        options.Storage.ExtendedSchemaObjects.Add(new Sequence(new PostgresqlObjectName(Schema, MartenIntegrationLots.Sequence, SchemaUtils.IdentifierUsage.General)));
        options.Schema.For<Organization>();
        ReferenceDataSchema.Configure(options);
        WebhookSchema.Configure(options);
        options.Schema.For<CarrierAccount>().UniqueIndex(UniqueIndexType.Computed, c => c.ApiKeyHash);
        options.Schema.For<VtexAccount>();
        options.Schema.For<VtexOrderKey>().Index(k => k.ShipmentId);
        options.Schema.For<UserAccount>().Index(u => u.OrganizationKey);
    }
}
