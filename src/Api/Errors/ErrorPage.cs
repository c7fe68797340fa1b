using Microsoft.AspNetCore.Diagnostics;

namespace Cargamos.Modular.Api.Errors;

/// <summary>
/// Endpoint metadata for an endpoint people open in a browser (the public tracking page): the central writer answers its
/// server errors (5xx: a database outage, shed load, a bug) with <see cref="Write"/>'s page instead of the JSON envelope,
/// with the same status and Retry-After. <see cref="Write"/> gets the status, the wait the client was told (null when
/// none: a failure, not an outage) and the request's processId.
/// </summary>
public sealed record ErrorPage(Func<HttpContext, int, TimeSpan?, string, CancellationToken, ValueTask> Write)
{
    /// <summary>The page of the request's endpoint (the exception handler has cleared the endpoint by then: its feature keeps it).</summary>
    public static ErrorPage? Of(HttpContext http) =>
        (http.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint())?.Metadata.GetMetadata<ErrorPage>();
}
