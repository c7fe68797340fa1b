using System.Security.Claims;
using System.Text.Encodings.Web;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Vtex;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// VTEX calls our carrier configuration endpoints with its app key pair: <c>X-VTEX-API-AppKey</c> (the VTEX account id
/// at Cargamos) and <c>X-VTEX-API-AppToken</c> (kept only as a SHA-256, compared in constant time). The principal has
/// role <c>vtex</c>, <c>sub</c> = the AppKey and the claim <c>vtex_account</c>.
/// </summary>
internal static class VtexAppKeyAuthentication
{
    public const string Scheme = "VtexAppKey";
    public const string Policy = "vtex";
    public const string AppKeyHeader = "X-VTEX-API-AppKey";
    public const string AppTokenHeader = "X-VTEX-API-AppToken";
    public const string AccountClaim = "vtex_account";

    public static AuthenticationBuilder AddVtexAppKey(this AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, VtexAppKeyHandler>(Scheme, null);

    /// <summary>The "vtex" policy: authenticated by this scheme only, with role vtex.</summary>
    public static AuthorizationOptions AddVtexPolicy(this AuthorizationOptions options)
    {
        options.AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(Roles.Vtex));
        return options;
    }

    public static string AccountOf(ClaimsPrincipal user) =>
        user.FindFirst(AccountClaim)?.Value ?? throw new InvalidOperationException("The request was not authenticated as a VTEX account.");
}

internal sealed class VtexAppKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IVtexAccounts accounts, IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Checked when the AppKey is unknown, so an unknown key takes as long as a wrong token.
    private static readonly string DummyHash = SecretHashes.Of(Guid.NewGuid().ToString());

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var appKey = Request.Headers[VtexAppKeyAuthentication.AppKeyHeader].ToString().Trim();
        var appToken = Request.Headers[VtexAppKeyAuthentication.AppTokenHeader].ToString().Trim();
        if (appKey.Length == 0 && appToken.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var account = appKey.Length is > 0 and <= 200 ? await accounts.Find(appKey, Context.RequestAborted) : null;
        var matches = SecretHashes.Matches(appToken, account?.AppTokenHash ?? DummyHash);
        if (account is not { Active: true } || !matches || appToken.Length == 0)
        {
            return AuthenticateResult.Fail("The VTEX AppKey/AppToken pair is not valid.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim("sub", account.Id),
            new Claim(VtexAppKeyAuthentication.AccountClaim, account.Id),
            new Claim("name", "VTEX"),
            new Claim("role", Roles.Vtex),
        ], Scheme.Name, "sub", "role");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>401 in the Cargamos envelope, written by the central writer, naming the headers VTEX must send.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Extensions =
                {
                    [CargamosEnvelopeWriter.ErrorsKey] = new List<ErrorItem>
                    {
                        new("UNAUTHORIZED", "Authentication is required or the credentials are not valid.",
                            $"Send the headers {VtexAppKeyAuthentication.AppKeyHeader} and {VtexAppKeyAuthentication.AppTokenHeader} of a VTEX account registered with Cargamos.",
                            "request.header", VtexAppKeyAuthentication.AppKeyHeader),
                    },
                },
            },
        });
    }
}
