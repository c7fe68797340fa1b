using Microsoft.AspNetCore.Identity;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;

namespace Cargamos.Modular.Infrastructure.Access;

/// <summary>ASP.NET Core Identity's PBKDF2 (HMAC-SHA512, 100,000 iterations, 128-bit salt) format.</summary>
internal sealed class PasswordHashing(RateLimitOptions limits, CargamosMetrics metrics) : IPasswordHashing, IDisposable
{
    private readonly SemaphoreSlim slots = new(limits.EffectiveMaxConcurrentHashes, limits.EffectiveMaxConcurrentHashes);

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // Verified against when the user does not exist, so both answers take the same time.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password");

    public string Hash(string password) => Hasher.HashPassword(null!, password);

    public async Task<bool> VerifyAsync(string? hash, string password, CancellationToken ct)
    {
        if (!await slots.WaitAsync(limits.HashQueueTimeout, ct))
        {
            metrics.RateLimited(CargamosMetrics.Policies.PasswordHashing);
            throw AppError.Busy("Too many logins are being checked at once; try again shortly (Retry-After).", TimeSpan.FromSeconds(1));
        }

        try
        {
            return Verify(hash, password);
        }
        finally
        {
            slots.Release();
        }
    }

    public bool Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash ?? DummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    public void Dispose() => slots.Dispose();
}
