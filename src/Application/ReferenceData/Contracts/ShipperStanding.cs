using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData.Contracts;

/// <summary>
/// The shipper side of layer 1, for whichever way the shipper was identified (a shipper user's token, or a VTEX
/// seller mapped to it): the organization exists and is active, and its contract is valid now.
/// </summary>
public sealed class ShipperStanding(IAccountDirectory accounts, IContractStore contracts, TimeProvider clock)
{
    public async Task<(Organization Organization, ShipperContract Contract)> Check(string shipperId, CancellationToken ct)
    {
        var organization = await accounts.FindOrganization(shipperId, ct);
        if (organization is not { Active: true })
        {
            throw AppError.Forbidden("ACCOUNT_SUSPENDED", $"The shipper '{shipperId}' is suspended; contact Cargamos.");
        }

        var contract = await contracts.Get(organization.Id, ct);
        var now = clock.GetUtcNow();
        if (contract is null || !contract.IsValidAt(now))
        {
            throw AppError.Forbidden("CONTRACT_NOT_VALID", contract is null
                ? $"The shipper '{organization.Id}' has no contract with Cargamos."
                : $"The contract of '{organization.Id}' is valid from {contract.ValidFrom:yyyy-MM-dd} to {contract.ValidTo:yyyy-MM-dd}; it does not cover {now:yyyy-MM-dd}.");
        }

        return (organization, contract);
    }
}
