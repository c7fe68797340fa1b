using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.TrackingPage;
using Mediator;

namespace Cargamos.Modular.Api.TrackingPage;

/// <summary>
/// The public tracking page <c>GET /t/{trackingId}</c> (docs/tracking-page.md): anonymous, server-rendered HTML in the
/// recipient's language, rate limited per client address, with headers that keep it out of caches, search engines,
/// frames and referrers, and that forbid any script.
/// </summary>
internal static class TrackingPageEndpoints
{
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>Nothing but inline styles and data: images; no script, frame, form target, base or connection.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapTrackingPage(this IEndpointRouteBuilder app)
    {
        // A page for people, not an API operation: kept out of the OpenAPI document (and so of generated clients).
        app.MapGet("/t/{trackingId}", Show)
            .ExcludeFromDescription()
            .WithTags("Tracking page")
            .AllowAnonymous()
            .RequireRateLimiting(Throttling.TrackingPagePolicy)
            .WithMetadata(new RejectionPage(TooMany))
            .WithMetadata(new ErrorPage(Unavailable))
            .WithSummary("The public tracking page of a shipment, for its recipient (HTML, no credentials)")
            .WithDescription("Server-rendered HTML without JavaScript: status, promised delivery, timeline, carrier, proof-of-delivery count, " +
                             "the recipient's first name and city. Language by `Accept-Language` among es, pt and en (default es), or `?lang=`. " +
                             "`{trackingId}` is the trackingId exactly; an unknown one, or one two shippers share, is a 404 page. " +
                             "Limited per client address (`RateLimits:TrackingPagePerMinute`, 429 page).\n\n" +
                             "```\ncurl -s -H 'Accept-Language: pt-BR' http://127.0.0.1:5080/t/CGM7K2Q9XH4TD\n```")
            .Produces<string>(200, "text/html")
            .Produces<string>(404, "text/html")
            .Produces<string>(429, "text/html")
            .Produces<string>(503, "text/html");
        return app;
    }

    private static async Task<IResult> Show(string trackingId, string? lang, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var language = PageLanguage.Negotiate(lang, http.Request);
        var tracking = await mediator.Send(new GetPublicTracking(trackingId), ct);
        SetHeaders(http, language);
        return tracking is null
            ? TypedResults.Content(TrackingPageHtml.NotFound(language), ContentType, statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Content(TrackingPageHtml.Page(tracking, language), ContentType);
    }

    private static ValueTask TooMany(HttpContext http, TimeSpan wait, CancellationToken ct)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WritePage(http, StatusCodes.Status429TooManyRequests, language => TrackingPageHtml.TooMany(language, wait), ct);
    }

    private static ValueTask Unavailable(HttpContext http, int status, TimeSpan? retryAfter, string processId, CancellationToken ct) =>
        WritePage(http, status, language => TrackingPageHtml.Unavailable(language, retryAfter, processId), ct);

    /// <summary>A page written outside the endpoint (the rate limiter's 429, the error writer's 5xx), in the request's language.</summary>
    private static async ValueTask WritePage(HttpContext http, int status, Func<PageLanguage, string> page, CancellationToken ct)
    {
        var language = PageLanguage.Negotiate(http.Request.Query["lang"], http.Request);
        SetHeaders(http, language);
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        await http.Response.WriteAsync(page(language), ct);
    }

    private static void SetHeaders(HttpContext http, PageLanguage language)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        // A first name and a city, and a status that changes: no cache keeps a copy, the browser asks again.
        headers.CacheControl = "no-store";
        headers.ContentLanguage = language.Code;
        headers.Vary = "Accept-Language";
    }
}
