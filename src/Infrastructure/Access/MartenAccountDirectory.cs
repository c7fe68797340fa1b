using Marten;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Infrastructure.Access;

internal sealed class MartenAccountDirectory(IQuerySession session) : IAccountDirectory
{
    public Task<Organization?> FindOrganization(string organizationKey, CancellationToken ct) =>
        session.LoadAsync<Organization>(organizationKey.Trim().ToLowerInvariant(), ct);

    public Task<UserAccount?> FindUser(string organizationKey, string email, CancellationToken ct) =>
        session.LoadAsync<UserAccount>(UserAccount.IdFor(organizationKey, email), ct);
}
