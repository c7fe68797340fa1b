using System.Security.Cryptography;
using System.Text;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// A carrier that works our shipments through the VTEX tracking hook API. <see cref="Id"/> is its VTEX carrierId;
/// its API key is kept only as <see cref="ApiKeyHash"/>.
/// </summary>
internal sealed record CarrierAccount(string Id, string Name, string? Logo, string ApiKeyHash, bool Active);

/// <summary>
/// A VTEX account that sends us service creation / cancel / pause, authenticated by its AppKey (the id) and AppToken
/// (kept only as a hash). <see cref="Sellers"/> maps each VTEX seller to the shipper organization it ships for.
/// </summary>
internal sealed record VtexAccount(string Id, string AppTokenHash, IReadOnlyDictionary<string, string> Sellers, bool Active);

/// <summary>API keys and app tokens are long random secrets: a SHA-256 is enough to store them and look them up.</summary>
internal static class SecretHashes
{
    public static string Of(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Of(secret)), Encoding.ASCII.GetBytes(hash));
}
