using System.Security.Claims;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Common.Errors;

namespace Cargamos.Modular.Api.Access;

/// <summary>
/// A live token is only as good as the standing of whoever it names, checked on every request (after authorization, so
/// the principal of every scheme is known): a user deactivated or removed is 401 and an organization suspended is
/// 403 ACCOUNT_SUSPENDED from the next request on, not when the token expires (up to an hour later); carriers are checked
/// alike by <c>CarrierStanding</c> (VTEX module). The lookups come from the process's reference caches (invalidated on every node within about a
/// second of a change), so the check costs no database round trip.
/// </summary>
internal static class CallerStanding
{
    public static IApplicationBuilder UseCallerStanding(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            await Check(context.User, context.RequestServices, context.RequestAborted);
        }

        await next(context);
    });

    private static async Task Check(ClaimsPrincipal user, IServiceProvider services, CancellationToken ct)
    {
        if (user.FindFirst(JwtTokenIssuer.OrganizationClaim)?.Value is not { } organizationId || user.FindFirst("email")?.Value is not { } email)
        {
            return; // not a user token: a carrier's is checked by CarrierStanding, a VTEX account by its own scheme on every request
        }

        var accounts = services.GetRequiredService<IAccountDirectory>();
        var account = await accounts.FindUser(organizationId, email, ct);
        if (account is not { Active: true } || account.Id != user.FindFirst("sub")?.Value)
        {
            throw AppError.Unauthorized("The user of this token was deactivated or removed; its tokens are not accepted. Log in again with an active user.");
        }

        if (await accounts.FindOrganization(organizationId, ct) is not { Active: true })
        {
            var what = user.HasClaim(c => c.Type == JwtTokenIssuer.ShipperClaim) ? "shipper" : "organization";
            throw AppError.Forbidden("ACCOUNT_SUSPENDED", $"The {what} '{organizationId}' is suspended; contact Cargamos.");
        }
    }
}
