using Cargamos.Modular.Application.Vtex.Contracts;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Application.Vtex.ReadModels;
using JasperFx.Events.Projections;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Vtex;

/// <summary>The Vtex module: carriers and VTEX accounts, the VTEX orders that became shipments, and the VTEX service read model.</summary>
public static class VtexModule
{
    public static IServiceCollection AddVtex(this IServiceCollection services, bool seedDemoData)
    {
        services.ConfigureMarten(options =>
        {
            options.Projections.Add(new VtexServiceProjection(), ProjectionLifecycle.Inline);
            options.Schema.For<VtexServiceView>();
            options.Schema.For<CarrierAccount>().UniqueIndex(UniqueIndexType.Computed, c => c.ApiKeyHash);
            options.Schema.For<VtexAccount>();
            options.Schema.For<VtexOrderKey>().Index(k => k.ShipmentId);
        });
        // The view's position is not part of the VTEX document ([JsonIgnore]), but the store keeps it.
        services.AddSingleton(new StoredJsonModifier(VtexServiceViewStorage.IncludePosition));
        services.AddShipmentStreamDocument<VtexServiceView>();
        services.AddReferenceDocument<CarrierAccount>().AddReferenceDocument<VtexAccount>();
        services.AddSingleton<VtexDirectoryCache>();
        services.AddScoped<ICarrierDirectory, MartenCarrierDirectory>();
        services.AddScoped<ICarrierNames, CarrierNames>();
        services.AddScoped<IVtexAccounts, MartenVtexAccounts>();
        services.AddScoped<IVtexOrders, MartenVtexOrders>();
        services.AddScoped<IVtexServiceViews, MartenVtexServiceViews>();
        services.AddScoped<VtexServiceAccess>();
        services.AddScoped<CarrierShipments>();
        services.AddSingleton<CarrierServiceIds>();
        if (seedDemoData)
        {
            services.AddHostedService<VtexDemoData>();
        }

        return services;
    }
}
