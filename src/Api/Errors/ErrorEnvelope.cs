using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing.Template;

namespace Cargamos.Modular.Api.Errors;

/// <summary>One error of the Cargamos envelope. <c>parameter</c> is a dotted JSON path (recipientLocation.postalCode).</summary>
public sealed record ErrorItem(string Code, string Message, string Details, string Location, string? Parameter);

/// <summary>The Cargamos error envelope: <c>{version, status, processId, timestamp, errors[]}</c>.</summary>
public sealed record ErrorEnvelope(string Version, string Status, string ProcessId, long Timestamp, IReadOnlyList<ErrorItem> Errors);

/// <summary>
/// The Cargamos envelope as the VTEX-facing endpoints answer it (<c>/vtex/*</c>, <c>/token</c>, <c>/tracking/hook/*</c>):
/// the current VTEX protocol's error bodies carry <c>message</c> and <c>requestId</c> at the top level (a 404 also
/// <c>code</c>, e.g. <c>TRP0005E</c>); the detailed <c>errors</c> list is kept.
/// </summary>
public sealed record ProtocolErrorEnvelope(
    string Version,
    string Status,
    string ProcessId,
    long Timestamp,
    IReadOnlyList<ErrorItem> Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Date,
    string Message,
    string RequestId)
{
    /// <summary>The protocol's shape of <paramref name="envelope"/>: its first error's details (or a not-found's own text) as <c>message</c>, its processId as <c>requestId</c>.</summary>
    public static ProtocolErrorEnvelope Of(ErrorEnvelope envelope, ProtocolNotFound? notFound = null)
    {
        var date = notFound is null ? null
            : DateTimeOffset.FromUnixTimeMilliseconds(envelope.Timestamp).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return new ProtocolErrorEnvelope(envelope.Version, envelope.Status, envelope.ProcessId, envelope.Timestamp, envelope.Errors,
            notFound is null ? null : "exception", notFound?.Code, notFound?.Data, date, notFound?.Message ?? envelope.Errors[0].Details, envelope.ProcessId);
    }
}

/// <summary>A protocol's own answer to a not-found: its code, message and the identifiers it names (<c>data</c>).</summary>
public sealed record ProtocolNotFound(string Code, string Message, IReadOnlyDictionary<string, string> Data);

/// <summary>
/// Endpoint metadata: errors are answered as a <see cref="ProtocolErrorEnvelope"/>. <see cref="NotFound"/> gives a 404's
/// top-level code and message from the request (route values), or null to use the first error's details.
/// </summary>
public sealed class ProtocolErrors(Func<RouteValueDictionary, ProtocolNotFound?>? notFound = null)
{
    public ProtocolNotFound? NotFound(RouteValueDictionary routeValues) => notFound?.Invoke(routeValues);

    /// <summary>
    /// The shape of the request's endpoint, with its route values: from the exception handler's feature when an exception
    /// is being answered (the handler has cleared the endpoint and route values by then), else from the request. When routing
    /// answered for itself (its 415 for a body that is not JSON, its 405) the endpoint is routing's own: the request's path is
    /// then matched against the routes that answer in the protocol's shape (<see cref="ProtocolRoutes"/>).
    /// </summary>
    public static (ProtocolErrors Shape, RouteValueDictionary RouteValues)? Of(HttpContext http)
    {
        var failed = http.Features.Get<IExceptionHandlerFeature>();
        var endpoint = failed?.Endpoint ?? http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ProtocolErrors>() is { } shape)
        {
            return (shape, failed?.RouteValues ?? http.Request.RouteValues);
        }

        // Routing's own answers (its 415 and 405) come from endpoints that are no RouteEndpoint; none when nothing matched.
        return endpoint is not RouteEndpoint ? http.RequestServices.GetService<ProtocolRoutes>()?.Match(http.Request.Path) : null;
    }
}

/// <summary>The routes whose errors have the protocol's shape, matched by path (for answers routing gives before any of them runs).</summary>
public sealed class ProtocolRoutes(EndpointDataSource endpoints)
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, ProtocolErrors Shape)>> routes = new(() =>
        endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ProtocolErrors>() is not null)
            .Select(e => (new TemplateMatcher(
                new RouteTemplate(e.RoutePattern), new RouteValueDictionary()), e.Metadata.GetMetadata<ProtocolErrors>()!))
            .ToList());

    public (ProtocolErrors Shape, RouteValueDictionary RouteValues)? Match(PathString path)
    {
        foreach (var (matcher, shape) in routes.Value)
        {
            var values = new RouteValueDictionary();
            if (matcher.TryMatch(path, values))
            {
                return (shape, values);
            }
        }

        return null;
    }
}

/// <summary>The Cargamos success envelope (login has its own, without a processId, as in the Cargamos document).</summary>
public sealed record ApiEnvelope<T>(string Version, string Status, string ProcessId, long Timestamp, T Data);

public static class StatusNames
{
    public const string ApiVersion = "1.0.0";

    public static string For(int status) => status switch
    {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        406 => "NOT_ACCEPTABLE",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE_ENTITY",
        428 => "PRECONDITION_REQUIRED",
        429 => "TOO_MANY_REQUESTS",
        503 => "SERVICE_UNAVAILABLE",
        >= 500 => "INTERNAL_SERVER_ERROR",
        _ => "BAD_REQUEST",
    };
}
