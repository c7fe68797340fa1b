using Microsoft.AspNetCore.Identity;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>ASP.NET Core Identity's PBKDF2 (HMAC-SHA512, 100,000 iterations, 128-bit salt) format.</summary>
internal sealed class PasswordHashing : IPasswordHashing
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // Verified against when the user does not exist, so both answers take the same time.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password");

    public string Hash(string password) => Hasher.HashPassword(null!, password);

    public bool Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash ?? DummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
