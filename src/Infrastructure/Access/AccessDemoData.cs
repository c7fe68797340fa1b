using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Common.Ports;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>
/// Loads the demo organizations and users (Development and tests only). Idempotent: an existing
/// user keeps its password hash unless the demo password no longer verifies against it.
/// </summary>
internal sealed class AccessDemoData(IServiceScopeFactory scopes, ILogger<AccessDemoData> logger) : IHostedService
{
    internal static readonly (Organization Organization, (string Email, string Password, string Role)[] Users)[] Accounts =
    [
        (new Organization("demo-shipper", "Demo Shipper S.A. de C.V.", OrganizationKind.Shipper, true),
            [("integrations@demo-shipper.mx", "demo-shipper-pass", Roles.Shipper)]),
        (new Organization("other-shipper", "Other Shipper S.A. de C.V.", OrganizationKind.Shipper, true),
            [("integrations@other-shipper.mx", "other-shipper-pass", Roles.Shipper)]),
        (new Organization("cargamos", "Cargamos", OrganizationKind.Cargamos, true),
            [("auditor@cargamos.mx", "auditor-pass", Roles.Auditor), ("operator@cargamos.mx", "operator-pass", Roles.Operator)]),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var hashing = scope.ServiceProvider.GetRequiredService<IPasswordHashing>();
        foreach (var (organization, users) in Accounts)
        {
            session.Store(organization);
            foreach (var (email, password, role) in users)
            {
                var id = UserAccount.IdFor(organization.Id, email);
                var existing = await session.LoadAsync<UserAccount>(id, cancellationToken);
                var hash = existing is not null && hashing.Verify(existing.PasswordHash, password) ? existing.PasswordHash : hashing.Hash(password);
                session.Store(new UserAccount(id, organization.Id, email, hash, [role], true));
            }
        }

        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo organizations and users are loaded");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
