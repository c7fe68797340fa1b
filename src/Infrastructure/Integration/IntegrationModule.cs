using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Weasel.Core;
using Weasel.Postgresql;
using Cargamos.Modular.Infrastructure.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Integration;

/// <summary>The Integration module: delivery orders checked by the four layers and their integration lots.</summary>
public static class IntegrationModule
{
    public static IServiceCollection AddIntegration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OrderWriteOptions>()
            .Bind(configuration.GetSection(OrderWriteOptions.Section))
            .Validate(o => o.Writers >= 1 && o.MaxOrdersPerCommit >= 1, "Integration:Writers and Integration:MaxOrdersPerCommit must be at least 1.")
            .ValidateOnStart();
        services.ConfigureMarten(options =>
        {
            IntegrationLotSchema.Configure(options);
            options.Storage.ExtendedSchemaObjects.Add(new Sequence(
                new PostgresqlObjectName(MartenStore.Schema, MartenIntegrationLots.Sequence, SchemaUtils.IdentifierUsage.General)));
        });
        services.AddSingleton<IIntegrationLots, MartenIntegrationLots>();
        services.AddSingleton<IShipmentCreator, MartenShipmentCreator>();
        services.AddScoped<DeliveryOrderIntake>();
        return services;
    }
}
