using System.Security.Claims;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Vtex;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// Carrier tokens of the VTEX tracking hook API: a JWT from <c>POST /token</c>, sent as <c>Authorization: &lt;JWT&gt;</c>
/// (bare, as the VTEX document shows) or <c>Authorization: Bearer &lt;JWT&gt;</c>. Separate from shipper tokens
/// (another audience), so neither opens the other's endpoints.
/// </summary>
internal static class CarrierAuthentication
{
    public const string Scheme = "CarrierJwt";
    public const string Policy = "carrier";
    public const string Audience = "cargamos-carriers";
    public const string CarrierClaim = "carrier_id";

    public static AuthenticationBuilder AddCarrierJwt(this AuthenticationBuilder builder, JwtSettings jwt) =>
        builder.AddJwtBearer(Scheme, o =>
        {
            o.MapInboundClaims = false;
            // This scheme's own handler, remembering the tokens it validated until they expire (RememberingTokenHandler).
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new RememberingTokenHandler());
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = JwtSettings.Issuer,
                ValidAudience = Audience,
                IssuerSigningKey = jwt.Key,
                RoleClaimType = "role",
                NameClaimType = "sub",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var header = context.Request.Headers.Authorization.ToString().Trim();
                    if (header.Length > 0)
                    {
                        context.Token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;
                    }

                    return Task.CompletedTask;
                },

                // The carrier's 401 names what a carrier must do (POST /token with its apiKey), not the shipper login.
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context.HttpContext,
                        ProblemDetails =
                        {
                            Status = StatusCodes.Status401Unauthorized,
                            Extensions =
                            {
                                [CargamosEnvelopeWriter.ErrorsKey] = new List<ErrorItem>
                                {
                                    new("UNAUTHORIZED", "Authentication is required or the credentials are not valid.",
                                        "Send 'Authorization: <token>' (or 'Bearer <token>') with a carrier token from POST /token {\"apiKey\": \"<your API key>\"}; tokens last 15 minutes.",
                                        "request.header", "Authorization"),
                                },
                            },
                        },
                    });
                },
            };
        });

    public static string? CarrierOf(ClaimsPrincipal user) => user.FindFirst(CarrierClaim)?.Value;

    /// <summary>A carrier may only act under its own carrierId: a path naming another carrier is 403.</summary>
    public static void EnsureSameCarrier(HttpContext http, string carrierIdInPath)
    {
        var carrier = CarrierOf(http.User);
        if (!string.Equals(carrier, carrierIdInPath, StringComparison.Ordinal))
        {
            throw AppError.Forbidden("CARRIER_MISMATCH",
                $"The token belongs to carrier '{carrier}' and cannot act for carrier '{carrierIdInPath}'.");
        }
    }
}

/// <summary>Issues carrier tokens (15 minutes by default, <c>Auth:CarrierTokenLifetimeMinutes</c>).</summary>
internal sealed class CarrierTokenIssuer(JwtSettings settings, TimeProvider clock, IConfiguration configuration)
{
    public IssuedToken Issue(CarrierAccount carrier)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(configuration.GetValue<int?>("Auth:CarrierTokenLifetimeMinutes") ?? 15);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtSettings.Issuer,
            Audience = CarrierAuthentication.Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, carrier.Id),
                new Claim(CarrierAuthentication.CarrierClaim, carrier.Id),
                new Claim(JwtRegisteredClaimNames.Name, carrier.Name),
                new Claim("role", Roles.Carrier),
            ]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(settings.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, (int)lifetime.TotalSeconds);
    }
}
