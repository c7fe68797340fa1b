using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Domain.Shipments;
using JasperFx.Events.Projections;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Shipments.Labels;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>The Shipments module: the shipment event streams, the tracking read model and the shipment store.</summary>
public static class ShipmentsModule
{
    public static IServiceCollection AddShipments(this IServiceCollection services)
    {
        services.ConfigureMarten(options =>
        {
            options.Events.AddEventTypes(typeof(IShipmentEvent).Assembly.GetTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IShipmentEvent).IsAssignableFrom(t)));
            options.Projections.Add(new ShipmentProjection(), ProjectionLifecycle.Live);
            options.Projections.Add(new ShipmentTrackingProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<ShipmentTracking>()
                .Index(t => t.TrackingId)
                .Duplicate(t => t.ShipperId)
                .Duplicate(t => t.CreatedAt)
                .UniqueIndex(UniqueIndexType.Computed, "ux_tracking_shipper_tracking_id", t => t.ShipperId, t => t.TrackingId);
        });
        services.AddShipmentStreamDocument<ShipmentTracking>();
        services.AddOptions<ShipmentAppendOptions>().BindConfiguration(ShipmentAppendOptions.Section);
        services.AddSingleton<ShipmentAppends>();
        services.AddSingleton<ShipmentTurns>();
        services.AddScoped<IShipmentStore, MartenShipmentStore>();
        services.AddScoped<IShipmentFinder, MartenShipmentFinder>();
        services.AddScoped<ShipmentAccess>();
        services.AddSingleton<ILabelRenderer, LabelRenderer>();
        services.AddScoped<ShipmentLabelPrinter>();
        return services;
    }
}
