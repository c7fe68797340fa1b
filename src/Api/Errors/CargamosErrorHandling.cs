using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Api.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Errors;

/// <summary>
/// The one place errors are written. ASP.NET Core's ProblemDetails service (used by the exception handler
/// and by status-code pages for unknown routes, 401, 403, 405...) is given this writer, which renders the
/// Cargamos envelope instead of RFC 7807.
/// </summary>
public sealed class CargamosEnvelopeWriter : IProblemDetailsWriter
{
    public const string ErrorsKey = "cargamos.errors";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = context.ProblemDetails.Status ?? http.Response.StatusCode;
        var errors = context.ProblemDetails.Extensions.TryGetValue(ErrorsKey, out var value) && value is IReadOnlyList<ErrorItem> items
            ? items
            : [DefaultError(status, http)];
        var envelope = Envelope(http, status, errors);
        http.Response.StatusCode = status;
        if (status >= 500 && ErrorPage.Of(http) is { } page)
        {
            var retryAfter = int.TryParse(http.Response.Headers.RetryAfter, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : (TimeSpan?)null;
            await page.Write(http, status, retryAfter, envelope.ProcessId, http.RequestAborted);
            return;
        }

        if (ProtocolErrors.Of(http) is var (protocol, routeValues))
        {
            var notFound = status == StatusCodes.Status404NotFound ? protocol.NotFound(routeValues) : null;
            await http.Response.WriteAsJsonAsync(ProtocolErrorEnvelope.Of(envelope, notFound), ApiJson.Options, "application/json", http.RequestAborted);
            return;
        }

        await http.Response.WriteAsJsonAsync(envelope, ApiJson.Options, "application/json", http.RequestAborted);
    }

    /// <summary>The error envelope of this request (its processId, its arrival time).</summary>
    public static ErrorEnvelope Envelope(HttpContext http, int status, IReadOnlyList<ErrorItem> errors) =>
        new(StatusNames.ApiVersion, StatusNames.For(status), ProcessId.Of(http), ProcessId.StartedAt(http).ToUnixTimeMilliseconds(), errors);

    private static ErrorItem DefaultError(int status, HttpContext http)
    {
        var request = $"{http.Request.Method} {http.Request.Path}";
        return status switch
        {
            401 => new ErrorItem("UNAUTHORIZED", "Authentication is required or the credentials are not valid.",
                "Send 'Authorization: Bearer <token>' with a valid token from GET /v1/login.", "request.header", "Authorization"),
            403 => new ErrorItem("FORBIDDEN", "You are not allowed to perform this operation.",
                $"Your role does not allow {request}.", "request", null),
            404 => new ErrorItem("NOT_FOUND", "The requested resource was not found.", $"No endpoint answers {request}.", "request.path", null),
            405 => new ErrorItem("METHOD_NOT_ALLOWED", "The HTTP method is not allowed for this resource.",
                $"{http.Request.Method} is not allowed on {http.Request.Path}.", "request.method", null),
            413 => new ErrorItem("PAYLOAD_TOO_LARGE", "The request body is too large.", BodyLimits.Describe(http), "request.body", null),
            415 => ExceptionMapper.UnsupportedMediaType,
            _ => new ErrorItem(StatusNames.For(status), "The request could not be processed.", $"{request} answered {status}.", "request", null),
        };
    }
}

/// <summary>Maps every unhandled exception to the envelope; unexpected ones are logged with their processId, never shown.</summary>
public sealed class CargamosExceptionHandler(IProblemDetailsService problemDetails, ILogger<CargamosExceptionHandler> logger, DatabaseOutageLog outages)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, errors) = ExceptionMapper.Map(exception, httpContext);
        // The mapper classified the outage (ExceptionMapper.DatabaseUnavailable): not classified a second time here.
        if (errors is [var only] && ReferenceEquals(only, ExceptionMapper.DatabaseUnavailable))
        {
            // An outage, not a bug: logged once per outage, and the client told when to come back.
            outages.Refused(exception, httpContext);
            httpContext.Response.Headers.RetryAfter = ((int)DatabaseUnavailability.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (exception is AppError { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled error in {Method} {Path} (processId {ProcessId})",
                httpContext.Request.Method, httpContext.Request.Path, ProcessId.Of(httpContext));
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Extensions = { [CargamosEnvelopeWriter.ErrorsKey] = errors } },
        });
    }

    /// <summary>Whole seconds, rounded up (a client told 0 would retry at once).</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
