using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The token signing key: <c>Auth:SigningKey</c> (base64, at least 32 bytes) from configuration; in Development,
/// when none is configured, a key generated once into the git-ignored data folder. Never a committed key.
/// </summary>
public sealed class JwtSettings
{
    public const string Issuer = "cargamos";
    public const string Audience = "cargamos-api";

    public required SymmetricSecurityKey Key { get; init; }

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    public static JwtSettings From(IConfiguration configuration, IHostEnvironment environment, string dataDirectory)
    {
        var configured = configuration["Auth:SigningKey"];
        byte[] key;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            key = Convert.FromBase64String(configured);
        }
        else if (environment.IsDevelopment())
        {
            var path = Path.Combine(dataDirectory, "jwt-signing.key");
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(dataDirectory);
                File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
            }

            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        else
        {
            throw new InvalidOperationException(
                "No token signing key: set Auth:SigningKey (env Auth__SigningKey) to base64 of at least 32 random bytes.");
        }

        if (key.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (256 bits).");
        }

        var minutes = configuration.GetValue<int?>("Auth:TokenLifetimeMinutes");
        return new JwtSettings
        {
            Key = new SymmetricSecurityKey(key) { KeyId = "cargamos-1" },
            Lifetime = minutes is > 0 ? TimeSpan.FromMinutes(minutes.Value) : TimeSpan.FromHours(1),
        };
    }
}
