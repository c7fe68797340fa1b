
namespace Cargamos.Modular.Application.Access.Contracts;

/// <summary>Organizations and their users.</summary>
public interface IAccountDirectory
{
    Task<Organization?> FindOrganization(string organizationKey, CancellationToken ct);

    Task<UserAccount?> FindUser(string organizationKey, string email, CancellationToken ct);
}

/// <summary>Salted password hashes; plain passwords are never stored.</summary>
public interface IPasswordHashing
{
    string Hash(string password);

    /// <summary>Checks a password; takes the same time whether or not <paramref name="hash"/> is null (unknown user).</summary>
    bool Verify(string? hash, string password);

    /// <summary>
    /// <see cref="Verify"/> for a request: at most a configured number at once; a request that cannot get a slot in
    /// time is answered 503 with Retry-After (a login flood must not starve every other request of CPU).
    /// </summary>
    Task<bool> VerifyAsync(string? hash, string password, CancellationToken ct);
}

public sealed record IssuedToken(string Token, int ExpiresInSeconds);

/// <summary>Signs bearer tokens for authenticated users.</summary>
public interface ITokenIssuer
{
    IssuedToken Issue(UserAccount user, Organization organization);
}
