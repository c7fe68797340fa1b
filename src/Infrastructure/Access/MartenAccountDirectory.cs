using Marten;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>Organizations and users read from memory (<see cref="AccountCache"/>), unknown keys included.</summary>
internal sealed class MartenAccountDirectory(IQuerySession session, AccountCache cache) : IAccountDirectory
{
    public Task<Organization?> FindOrganization(string organizationKey, CancellationToken ct) =>
        cache.Organizations.Get(organizationKey.Trim().ToLowerInvariant(), (id, token) => session.LoadAsync<Organization>(id, token), ct);

    public Task<UserAccount?> FindUser(string organizationKey, string email, CancellationToken ct) =>
        cache.Users.Get(UserAccount.IdFor(organizationKey, email), (id, token) => session.LoadAsync<UserAccount>(id, token), ct);
}

/// <summary>The process-wide caches of organizations and users, invalidated by <see cref="ReferenceDataChanges"/>. A singleton.</summary>
internal sealed class AccountCache(ReferenceDataChanges changes)
{
    public ReferenceCache<string, Organization?> Organizations { get; } = changes.Cache<string, Organization?>(typeof(Organization));

    public ReferenceCache<string, UserAccount?> Users { get; } = changes.Cache<string, UserAccount?>(typeof(UserAccount));
}
