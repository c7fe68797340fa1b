using Cargamos.Modular.Application.Access;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Vtex;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Infrastructure.DemoData;

/// <summary>
/// Loads the demo organizations and users (Development and tests only). Idempotent: an existing
/// user keeps its password hash unless the demo password no longer verifies against it.
/// </summary>
internal sealed class DemoDataSeeder(IServiceScopeFactory scopes, ILogger<DemoDataSeeder> logger) : IHostedService
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

    /// <summary>The developer API key printed in the VTEX Pick and Pack document, used by the demo Servientrega carrier.</summary>
    internal const string ServientregaApiKey =
        "db5a3cecfef9cb0a9815af7c2eb8f7d6:c400460c165cc9beb146ad4d757e3bb1a24ff15228c424a0bd7c37f0ac356c0f6230568705d93dd6ff68190c0eafe5a74cbb14229748f20d3e53cbcc790ba372";

    internal static readonly CarrierAccount[] Carriers =
    [
        new("servientrega-50461c9f3335", "Servientrega", null, SecretHashes.Of(ServientregaApiKey), true),
        new("627eb3b93a19fdc0cf5fe087", "Blue Express", null, SecretHashes.Of("bluexpress-demo-key"), true),
    ];

    internal static readonly VtexAccount DemoVtexAccount =
        new("vtexappkey-demo", SecretHashes.Of("vtex-demo-token"), new Dictionary<string, string> { ["qaolimpica"] = "demo-shipper" }, true);

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

        session.Store(Carriers);
        session.Store(DemoVtexAccount);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo organizations, users, carriers and the VTEX account are loaded");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
