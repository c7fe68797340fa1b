using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Integration.ReadModels;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Weasel.Core;
using Weasel.Postgresql;

namespace Cargamos.Modular.Infrastructure.Integration;

/// <summary>The Integration module: delivery orders checked by the four layers and their integration lots.</summary>
public static class IntegrationModule
{
    public static IServiceCollection AddIntegration(this IServiceCollection services)
    {
        services.ConfigureMarten(options =>
        {
            options.Schema.For<IntegrationLot>().Identity(l => l.Id).Index(l => l.ShipperId);
            options.Storage.ExtendedSchemaObjects.Add(new Sequence(
                new PostgresqlObjectName(MartenStore.Schema, MartenIntegrationLots.Sequence, SchemaUtils.IdentifierUsage.General)));
        });
        services.AddScoped<IIntegrationLots, MartenIntegrationLots>();
        services.AddScoped<DeliveryOrderIntake>();
        return services;
    }
}
