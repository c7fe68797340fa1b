using Cargamos.Modular.Application.ReferenceData;
using Marten;
using JasperFx;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

internal sealed class MartenShipperRegistry(IDocumentSession session) : IShipperRegistry
{
    public async Task<bool> Create(Organization organization, UserAccount firstUser, ShipperContract contract, CancellationToken ct)
    {
        // Insert, not Store: two operators creating the same key at once must not overwrite each other.
        session.Insert(organization);
        session.Insert(firstUser);
        session.Store(contract);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            session.EjectAllPendingChanges();
            return false;
        }
    }

    public async Task SaveOrganization(Organization organization, CancellationToken ct)
    {
        session.Store(organization);
        await session.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<UserAccount>> ListUsers(string organizationKey, CancellationToken ct) =>
        await session.Query<UserAccount>().Where(u => u.OrganizationKey == organizationKey).ToListAsync(ct);

    public async Task<IReadOnlyList<string>> ShippersServedIn(string zoneId, CancellationToken ct)
    {
        var contracts = await session.Query<ShipperContract>().Where(c => c.ServiceLevels.Any(l => l.ZoneId == zoneId)).ToListAsync(ct);
        return contracts.Select(c => c.ShipperId).ToList();
    }
}
