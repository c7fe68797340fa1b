using Cargamos.Modular.Application.ReferenceData;
using Cargamos.Modular.Domain.Integration;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// The reference data of integration (coverage zones, shipper contracts) in the Marten store. The port adapters of
/// this namespace (<see cref="MartenCoverageCatalog"/>, <see cref="MartenContractStore"/>) are registered by the
/// Scrutor scan of InfrastructureRegistration; what the scan cannot see is registered here.
/// </summary>
public static class ReferenceDataSchema
{
    /// <summary>Called from InfrastructureRegistration.ConfigureStore.</summary>
    public static void Configure(StoreOptions options)
    {
        options.Schema.For<CoverageZone>();
        options.Schema.For<ShipperContract>().Identity(c => c.ShipperId);
    }

    /// <summary>The lookup cache (one per process) and the shipper registry (its port is not in Common.Ports, which the scan covers).</summary>
    public static IServiceCollection AddServices(IServiceCollection services)
    {
        services.AddSingleton<CoverageZoneCache>();
        services.AddScoped<IShipperRegistry, MartenShipperRegistry>();
        return services;
    }

    /// <summary>The demo zones (coverage.csv) and contracts; register after AddMarten so the schema exists first.</summary>
    public static IServiceCollection AddDemoData(IServiceCollection services)
    {
        services.AddHostedService<ReferenceDataSeeder>();
        return services;
    }
}
