using Cargamos.Modular.Application.ReferenceData;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// The ReferenceData module: shipper organizations' contracts and the coverage zones operators manage, the shipper
/// standing check (layer 1 of integration), and the process-wide caches of zones and contracts.
/// </summary>
public static class ReferenceDataModule
{
    public static IServiceCollection AddReferenceData(this IServiceCollection services, bool seedDemoData)
    {
        services.ConfigureMarten(options =>
        {
            options.Schema.For<CoverageZone>();
            options.Schema.For<ShipperContract>().Identity(c => c.ShipperId);
        });
        services.AddReferenceDocument<CoverageZone>().AddReferenceDocument<ShipperContract>();
        services.AddSingleton<CoverageZoneCache>();
        services.AddSingleton<ContractCache>();
        services.AddScoped<ICoverageCatalog, MartenCoverageCatalog>();
        services.AddScoped<IContractStore, MartenContractStore>();
        services.AddScoped<IShipperRegistry, MartenShipperRegistry>();
        services.AddScoped<ShipperStanding>();
        services.AddScoped<AuthorizedShipper>();
        if (seedDemoData)
        {
            // The demo zones (coverage.csv) and contracts.
            services.AddHostedService<ReferenceDataSeeder>();
        }

        return services;
    }
}
