using System.Net.Http.Headers;
using System.Text;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Access;
using Cargamos.Modular.Application.Common.Errors;
using Mediator;

namespace Cargamos.Modular.Api.Access;

internal static class AccessEndpoints
{
    public sealed record LoginData(string Token, string ExpiresIn);

    /// <summary>The login answer of the Cargamos document: the success envelope without a processId (it is in <c>X-Process-Id</c>).</summary>
    public sealed record LoginAnswer(string Version, string Status, long Timestamp, LoginData Data);

    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/login", LogIn)
            .WithName("LogIn")
            .WithTags("Access")
            .WithSummary("Exchange an organization key and HTTP Basic credentials for a bearer token")
            .WithDescription("Send `Authorization: Basic base64(user:password)` and `?key={organizationKey}`. " +
                             "Use the returned token as `Authorization: Bearer <token>` on every other call. A wrong key, user or password answers 401, the same whichever was wrong.")
            .Produces<LoginAnswer>()
            .Produces<ErrorEnvelope>(401)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(429)
            .Produces<ErrorEnvelope>(503)
            .RequireRateLimiting(Throttling.LoginPolicy)
            .AllowAnonymous();
        return app;
    }

    private static async Task<IResult> LogIn(string? key, HttpContext http, ISender mediator, TimeProvider clock, CancellationToken ct)
    {
        var (user, password) = ReadBasic(http.Request.Headers.Authorization.ToString());
        var token = await mediator.Send(new LogIn(key ?? "", user, password, ClientAddress.Of(http)), ct);
        return TypedResults.Ok(new LoginAnswer(StatusNames.ApiVersion, "OK",
            clock.GetUtcNow().ToUnixTimeMilliseconds(), new LoginData(token.Token, token.ExpiresInSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    private static (string User, string Password) ReadBasic(string header)
    {
        if (AuthenticationHeaderValue.TryParse(header, out var value)
            && string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && value.Parameter is { } encoded)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (decoded[..colon], decoded[(colon + 1)..]);
                }
            }
            catch (FormatException)
            {
                // falls through to the same answer as a missing header
            }
        }

        throw AppError.Unauthorized("Send the user and password as 'Authorization: Basic base64(user:password)' and the organization key as '?key='.");
    }
}
