using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>
/// The write side of shipper organizations and their users, for operators. Reads of one organization or user go
/// through <see cref="Access.Contracts.IAccountDirectory"/>, contracts through <see cref="Contracts.IContractStore"/>.
/// </summary>
internal interface IShipperRegistry
{
    /// <summary>
    /// Creates the organization, its first user and its contract in one transaction.
    /// False (and nothing written) when an organization with that key already exists.
    /// </summary>
    Task<bool> Create(Organization organization, UserAccount firstUser, ShipperContract contract, CancellationToken ct);

    Task SaveOrganization(Organization organization, CancellationToken ct);

    Task<IReadOnlyList<UserAccount>> ListUsers(string organizationKey, CancellationToken ct);

    /// <summary>The shippers whose contract has a service level for the zone.</summary>
    Task<IReadOnlyList<string>> ShippersServedIn(string zoneId, CancellationToken ct);
}
