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
    /// <param name="seedDemoRateCard">With the demo data, also the demo shipper's rate card (which prices its orders).</param>
    public static IServiceCollection AddReferenceData(this IServiceCollection services, bool seedDemoData, bool seedDemoRateCard = false)
    {
        services.ConfigureMarten(options =>
        {
            options.Schema.For<CoverageZone>();
            options.Schema.For<ShipperContract>().Identity(c => c.ShipperId);
            options.Schema.For<RateCard>().Index(c => c.ShipperId);
        });
        services.AddReferenceDocument<CoverageZone>().AddReferenceDocument<ShipperContract>().AddReferenceDocument<RateCard>();
        services.AddSingleton<CoverageZoneCache>();
        services.AddSingleton<ContractCache>();
        services.AddSingleton<RateCardCache>();
        services.AddScoped<ICoverageCatalog, MartenCoverageCatalog>();
        services.AddScoped<IContractStore, MartenContractStore>();
        services.AddScoped<IRateCards, MartenRateCards>();
        services.AddScoped<IShipperRegistry, MartenShipperRegistry>();
        services.AddScoped<ShipperStanding>();
        services.AddScoped<AuthorizedShipper>();
        if (seedDemoData)
        {
            // The demo zones (coverage.csv) and contracts.
            services.AddSingleton(new DemoRateCardOption(seedDemoRateCard));
            services.AddHostedService<ReferenceDataSeeder>();
        }

        return services;
    }
}
