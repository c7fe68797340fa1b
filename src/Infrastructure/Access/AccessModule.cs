using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>The Access module: organizations, users and their password hashes (token issuing is the API's).</summary>
public static class AccessModule
{
    public static IServiceCollection AddAccess(this IServiceCollection services, bool seedDemoData)
    {
        services.ConfigureMarten(options =>
        {
            options.Schema.For<Organization>();
            options.Schema.For<UserAccount>().Index(u => u.OrganizationKey);
        });
        services.AddReferenceDocument<Organization>().AddReferenceDocument<UserAccount>();
        services.AddSingleton<AccountCache>();
        services.AddSingleton<IAccountDirectory, MartenAccountDirectory>();
        services.AddSingleton<IPasswordHashing, PasswordHashing>();
        if (seedDemoData)
        {
            services.AddHostedService<AccessDemoData>();
        }

        return services;
    }
}
