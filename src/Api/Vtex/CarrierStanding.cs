using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Vtex;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// A carrier token (15 minutes) stops working at the next request once its carrier is deactivated (401), and works again
/// when it is reactivated; checked on every request from the cached carrier directory, like users' standing.
/// </summary>
internal static class CarrierStanding
{
    public static IApplicationBuilder UseCarrierStanding(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true && CarrierAuthentication.CarrierOf(context.User) is { } carrierId)
        {
            var carrier = await context.RequestServices.GetRequiredService<ICarrierDirectory>().Get(carrierId, context.RequestAborted);
            if (carrier is not { Active: true })
            {
                throw AppError.Unauthorized($"The carrier '{carrierId}' of this token is no longer active; its tokens are not accepted.");
            }
        }

        await next(context);
    });
}
