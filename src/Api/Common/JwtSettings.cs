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
            var buffer = new byte[configured.Length];
            key = Convert.TryFromBase64String(configured.Trim(), buffer, out var written)
                ? buffer[..written]
                : throw new InvalidOperationException("Auth:SigningKey is not base64: give base64 of at least 32 random bytes (e.g. openssl rand -base64 64).");
        }
        else if (environment.IsDevelopment())
        {
            key = Convert.FromBase64String(DevelopmentKey(Path.Combine(dataDirectory, "jwt-signing.key")));
        }
        else
        {
            throw new InvalidOperationException(
                "No token signing key: set Auth:SigningKey (env Auth__SigningKey) to base64 of at least 32 random bytes (e.g. openssl rand -base64 64).");
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

    /// <summary>The Development key file: created once, readable by its owner only (0600), tightened if it was not.</summary>
    private static string DevelopmentKey(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return File.ReadAllText(path).Trim();
    }
}
