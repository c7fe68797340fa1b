using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>A shipper organization as operators see it: the organization, its users (never their password hashes) and its contract.</summary>
internal sealed record GetShipper(string Key) : IQuery<ShipperView>;

internal sealed record ShipperView(Organization Organization, IReadOnlyList<ShipperUser> Users, ShipperContract? Contract);

internal sealed record ShipperUser(string Email, IReadOnlyList<string> Roles, bool Active);

internal sealed class GetShipperValidator : AbstractValidator<GetShipper>
{
    public GetShipperValidator() => RuleFor(q => q.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
}

internal sealed class GetShipperHandler(IAccountDirectory accounts, IShipperRegistry registry, IContractStore contracts, ICaller caller)
    : IQueryHandler<GetShipper, ShipperView>
{
    public async ValueTask<ShipperView> Handle(GetShipper query, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var organization = await Shippers.Find(accounts, query.Key, cancellationToken);
        return await Shippers.View(organization, registry, contracts, cancellationToken);
    }
}

/// <summary>Lookups shared by the shipper use cases.</summary>
internal static class Shippers
{
    /// <summary>The shipper organization with that key; Cargamos' own organization is not a shipper (it cannot be suspended here).</summary>
    public static async Task<Organization> Find(IAccountDirectory accounts, string key, CancellationToken ct)
    {
        var organization = await accounts.FindOrganization(key, ct);
        return organization is { Kind: OrganizationKind.Shipper } ? organization : throw AppError.NotFound("shipper", key, "key");
    }

    public static async Task<ShipperView> View(Organization organization, IShipperRegistry registry, IContractStore contracts, CancellationToken ct)
    {
        var users = await registry.ListUsers(organization.Id, ct);
        var contract = await contracts.Get(organization.Id, ct);
        return new ShipperView(organization,
            users.OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase).Select(u => new ShipperUser(u.Email, u.Roles, u.Active)).ToList(),
            contract);
    }

    /// <summary>Suspends or reactivates the shipper with that key; already so, nothing is saved (both are idempotent).</summary>
    public static async Task<ShipperView> SetActive(
        string key, bool active, IAccountDirectory accounts, IShipperRegistry registry, IContractStore contracts, CancellationToken ct)
    {
        var organization = await Find(accounts, key, ct);
        if (organization.Active != active)
        {
            organization = organization with { Active = active };
            await registry.SaveOrganization(organization, ct);
        }

        return await View(organization, registry, contracts, ct);
    }
}
