using System.Security.Claims;
using System.Security.Cryptography;
using Cargamos.Modular.Api.Common;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>
/// A bearer scheme's handler remembers the tokens it validated (<see cref="RememberingTokenHandler"/>): never past their
/// lifetime, never a failure, never for other validation parameters' instance, each request with its own claims.
/// </summary>
public sealed class RememberingTokenHandlerTests
{
    private static readonly SymmetricSecurityKey Key = new(RandomNumberGenerator.GetBytes(32));
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_token_validated_once_is_valid_again_with_a_copy_of_its_claims()
    {
        var handler = new RememberingTokenHandler(clock);
        var token = Token(Key, "cargamos-api", clock.GetUtcNow().UtcDateTime.AddHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters("cargamos-api"));
        var second = await handler.ValidateTokenAsync(token, Parameters("cargamos-api"));

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Count);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal("shipper", second.ClaimsIdentity.FindFirst("role")?.Value);

        // A claim added for one request is not seen by the next.
        first.ClaimsIdentity.AddClaim(new Claim("role", "operator"));
        var third = await handler.ValidateTokenAsync(token, Parameters("cargamos-api"));
        Assert.DoesNotContain(third.ClaimsIdentity.FindAll("role"), c => c.Value == "operator");
    }

    [Fact]
    public async Task A_remembered_token_is_refused_once_its_lifetime_and_skew_are_over()
    {
        var handler = new RememberingTokenHandler(clock);
        var expires = clock.GetUtcNow().UtcDateTime.AddMinutes(5);
        var token = Token(Key, "cargamos-api", expires);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters("cargamos-api"))).IsValid);

        // Within the clock skew after exp: still the remembered validation.
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(20));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters("cargamos-api"))).IsValid);

        // Past it: validated again, and refused.
        clock.Advance(TimeSpan.FromSeconds(20));
        var late = await handler.ValidateTokenAsync(token, Parameters("cargamos-api"));
        Assert.False(late.IsValid);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task Failures_are_not_remembered_and_each_scheme_keeps_its_own()
    {
        var shippers = new RememberingTokenHandler(clock);
        var carriers = new RememberingTokenHandler(clock);
        var forShippers = Token(Key, "cargamos-api", clock.GetUtcNow().UtcDateTime.AddHours(1));
        var forged = Token(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), "cargamos-api", clock.GetUtcNow().UtcDateTime.AddHours(1));

        Assert.True((await shippers.ValidateTokenAsync(forShippers, Parameters("cargamos-api"))).IsValid);
        Assert.False((await carriers.ValidateTokenAsync(forShippers, Parameters("cargamos-carriers"))).IsValid);
        Assert.False((await shippers.ValidateTokenAsync(forged, Parameters("cargamos-api"))).IsValid);
        Assert.False((await shippers.ValidateTokenAsync(forged, Parameters("cargamos-api"))).IsValid);
        Assert.Equal(1, shippers.Count);
        Assert.Equal(0, carriers.Count);
    }

    private TokenValidationParameters Parameters(string audience) => new()
    {
        ValidIssuer = "cargamos",
        ValidAudience = audience,
        IssuerSigningKey = Key,
        RoleClaimType = "role",
        NameClaimType = "sub",
        ClockSkew = TimeSpan.FromSeconds(30),

        // The validation's own lifetime check on the test's clock (the handler's is given the same clock).
        LifetimeValidator = (notBefore, expires, _, parameters) =>
            expires is { } exp && clock.GetUtcNow().UtcDateTime <= exp + parameters.ClockSkew
            && (notBefore is not { } nbf || nbf - parameters.ClockSkew <= clock.GetUtcNow().UtcDateTime),
    };

    private string Token(SecurityKey key, string audience, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "cargamos",
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", "user-1"), new Claim("role", "shipper")]),
        IssuedAt = clock.GetUtcNow().UtcDateTime,
        NotBefore = clock.GetUtcNow().UtcDateTime,
        Expires = expires,
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });
}
