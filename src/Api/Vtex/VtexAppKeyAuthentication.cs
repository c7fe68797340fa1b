using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;
using Cargamos.Modular.Api.Common;
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

/// <remarks>
/// Failed checks back off (<see cref="FailureBackoff"/>): after a few failures of one AppKey from one client address, or
/// four times as many from one address whatever the AppKey, each further attempt from there waits and is answered 429
/// with Retry-After, decided before any secret is compared. A caller elsewhere (VTEX itself) is never made to wait.
/// </remarks>
internal sealed class VtexAppKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IVtexAccounts accounts,
    IProblemDetailsService problemDetails, FailureBackoff backoff, RateLimitOptions limits, CargamosMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private TimeSpan? throttled;

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

        var address = $"vtex@{ClientAddress.Of(Context)}";
        var keyFromHere = $"vtex:{(appKey.Length <= 200 ? appKey : appKey[..200])}@{ClientAddress.Of(Context)}";
        if (backoff.Wait(keyFromHere, address) is { } wait)
        {
            metrics.RateLimited(CargamosMetrics.Policies.VtexBackoff);
            throttled = wait;
            return AuthenticateResult.Fail("Too many failed VTEX authentications from this address.");
        }

        var account = appKey.Length is > 0 and <= 200 ? await accounts.Find(appKey, Context.RequestAborted) : null;
        var matches = SecretHashes.Matches(appToken, account?.AppTokenHash ?? DummyHash);
        if (account is not { Active: true } || !matches || appToken.Length == 0)
        {
            backoff.Failed(keyFromHere);
            backoff.Failed(address, 4 * limits.FreeFailures);
            return AuthenticateResult.Fail("The VTEX AppKey/AppToken pair is not valid.");
        }

        backoff.Succeeded(keyFromHere);

        var identity = new ClaimsIdentity(
        [
            new Claim("sub", account.Id),
            new Claim(VtexAppKeyAuthentication.AccountClaim, account.Id),
            new Claim("name", "VTEX"),
            new Claim("role", Roles.Vtex),
        ], Scheme.Name, "sub", "role");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>401 naming the headers VTEX must send, or 429 while the caller waits after failures; in the Cargamos envelope.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (throttled is { } wait)
        {
            Response.Headers.RetryAfter = CargamosExceptionHandler.RetryAfterSeconds(wait);
            return Write(StatusCodes.Status429TooManyRequests, new ErrorItem("TOO_MANY_REQUESTS", "Too many requests; try again later.",
                $"Too many failed VTEX authentications from your address; the next attempt is accepted in {Math.Ceiling(wait.TotalSeconds):0} s (Retry-After).",
                "request.header", VtexAppKeyAuthentication.AppKeyHeader));
        }

        return Write(StatusCodes.Status401Unauthorized, new ErrorItem("UNAUTHORIZED", "Authentication is required or the credentials are not valid.",
            $"Send the headers {VtexAppKeyAuthentication.AppKeyHeader} and {VtexAppKeyAuthentication.AppTokenHeader} of a VTEX account registered with Cargamos.",
            "request.header", VtexAppKeyAuthentication.AppKeyHeader));
    }

    /// <summary>The envelope, written by the central writer.</summary>
    private async Task Write(int status, ErrorItem error)
    {
        Response.StatusCode = status;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Extensions = { [CargamosEnvelopeWriter.ErrorsKey] = new List<ErrorItem> { error } } },
        });
    }
}
