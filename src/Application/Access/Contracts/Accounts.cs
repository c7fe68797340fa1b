using Cargamos.Modular.Application.Common.Ports;

namespace Cargamos.Modular.Application.Access.Contracts;

public enum OrganizationKind { Shipper, Cargamos }

/// <summary>A shipper company or Cargamos itself. <see cref="Id"/> is the organization key used to log in.</summary>
public sealed record Organization(string Id, string Name, OrganizationKind Kind, bool Active);

/// <summary>A person or system that logs in for an organization. Id is "{organizationKey}/{email}".</summary>
public sealed record UserAccount(string Id, string OrganizationKey, string Email, string PasswordHash, IReadOnlyList<string> Roles, bool Active)
{
    public static string IdFor(string organizationKey, string email) =>
        $"{organizationKey.Trim().ToLowerInvariant()}/{email.Trim().ToLowerInvariant()}";
}
