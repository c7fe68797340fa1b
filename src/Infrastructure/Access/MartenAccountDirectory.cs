using Marten;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>
/// Organizations and users read from memory (<see cref="AccountCache"/>), unknown keys included. A singleton: every
/// authenticated request asks it (the caller's standing), and a query session is opened only on a cache miss.
/// </summary>
internal sealed class MartenAccountDirectory(IDocumentStore store, AccountCache cache) : IAccountDirectory
{
    public Task<Organization?> FindOrganization(string organizationKey, CancellationToken ct) =>
        cache.Organizations.Get(organizationKey.Trim().ToLowerInvariant(), Load<Organization>, ct);

    public Task<UserAccount?> FindUser(string organizationKey, string email, CancellationToken ct) =>
        cache.Users.Get(UserAccount.IdFor(organizationKey, email), Load<UserAccount>, ct);

    private async Task<T?> Load<T>(string id, CancellationToken ct) where T : notnull
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<T>(id, ct);
    }
}

/// <summary>The process-wide caches of organizations and users, invalidated by <see cref="ReferenceDataChanges"/>. A singleton.</summary>
internal sealed class AccountCache(ReferenceDataChanges changes)
{
    public ReferenceCache<string, Organization?> Organizations { get; } = changes.Cache<string, Organization?>(typeof(Organization));

    public ReferenceCache<string, UserAccount?> Users { get; } = changes.Cache<string, UserAccount?>(typeof(UserAccount));
}
