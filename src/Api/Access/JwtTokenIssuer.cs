using System.Security.Claims;
using Cargamos.Modular.Application.Common.Ports;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Api.Common;

namespace Cargamos.Modular.Api.Access;

internal sealed class JwtTokenIssuer(JwtSettings settings, TimeProvider clock) : ITokenIssuer
{
    public const string OrganizationClaim = "org";
    public const string ShipperClaim = "shipper_id";

    public IssuedToken Issue(UserAccount user, Organization organization)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Id),
            new(JwtRegisteredClaimNames.Email, user.Email),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString()),
            new(OrganizationClaim, organization.Id),
        };
        claims.AddRange(user.Roles.Select(r => new Claim("role", r)));
        if (organization.Kind == OrganizationKind.Shipper)
        {
            claims.Add(new Claim(ShipperClaim, organization.Id));
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = JwtSettings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.Lifetime,
            SigningCredentials = new SigningCredentials(settings.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, (int)settings.Lifetime.TotalSeconds);
    }
}
