using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// <c>Idempotency-Key</c> (IETF httpapi-idempotency-key-header): the first request with a key runs and its answer
/// (success or a 4xx error) is kept 24 hours; a retry with the same key and the same request gets that answer again,
/// byte for byte, with <c>Idempotent-Replayed: true</c>; the same key with another request is 422; a retry while the
/// first is still running is 409. An unexpected failure (5xx) releases the key so the client can retry.
/// </summary>
public sealed class IdempotencyFilter(IIdempotencyStore keys, ICaller caller, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    /// <summary>Statuses whose answer is kept for a key and replayed: successes and refusals (a 5xx releases the key).</summary>
    internal static readonly int[] ReplayedStatuses = [200, 201, 400, 403, 404, 409];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return await next(context);
        }

        if (key.Length > 255 || key.Any(c => c < 0x20 || c > 0x7E))
        {
            throw new AppError(ErrorKind.BadRequest, "INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage,
                "Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good choice).", Header, "request.header");
        }

        var scope = caller.ShipperId ?? caller.Actor.Id;
        var claim = await keys.Claim(scope, key, Fingerprint(context), http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyClaimState.Mismatch:
                throw new AppError(ErrorKind.UnprocessableContent, "IDEMPOTENCY_KEY_REUSED", "The Idempotency-Key was already used for another request.",
                    "A key identifies one request: retry with exactly the same request, or use a new key for a new request.", Header, "request.header");
            case IdempotencyClaimState.InFlight:
                throw AppError.Conflict("IDEMPOTENCY_REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed.",
                    "Retry once the first request has answered.", Header);
            case IdempotencyClaimState.Completed:
                return new Replay(claim.Response!, replayed: true);
        }

        StoredResponse response;
        try
        {
            var result = await next(context);
            if (result is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: { } status }))
            {
                await keys.Release(scope, key, CancellationToken.None);
                return result;
            }

            response = new StoredResponse(status, JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options), LocationOf(result));
        }
        catch (Exception e)
        {
            var (status, errors) = ExceptionMapper.Map(e, http);
            if (status >= 500)
            {
                await keys.Release(scope, key, CancellationToken.None);
                throw;
            }

            response = new StoredResponse(status, JsonSerializer.Serialize(CargamosEnvelopeWriter.Envelope(http, status, errors), ApiJson.Options), null);
        }

        try
        {
            await keys.Complete(scope, key, response, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The request itself succeeded: answer it; a retry will then run again only if the key record was lost.
            logger.LogError(e, "Could not record the response of Idempotency-Key {Key}", key);
        }

        return new Replay(response, replayed: false);
    }

    private static string? LocationOf(object? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    /// <summary>The method, path, query and the bound body: what makes two requests "the same".</summary>
    private static string Fingerprint(EndpointFilterInvocationContext context)
    {
        var request = context.HttpContext.Request;
        var text = new StringBuilder().Append(request.Method).Append(' ').Append(request.Path).Append(request.QueryString.Value);
        foreach (var argument in context.Arguments.Where(a => a is not null && a is not HttpContext && a is not CancellationToken && !a.GetType().Namespace!.StartsWith("Mediator", StringComparison.Ordinal)))
        {
            text.Append('\n').Append(JsonSerializer.Serialize(argument, argument!.GetType(), ApiJson.Options));
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Writes a kept answer exactly as it was first written.</summary>
    private sealed class Replay(StoredResponse response, bool replayed) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.Status;
            httpContext.Response.ContentType = "application/json";
            if (response.Location is not null)
            {
                httpContext.Response.Headers.Location = response.Location;
            }

            if (replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return httpContext.Response.WriteAsync(response.Body, httpContext.RequestAborted);
        }
    }
}

public static class IdempotencyKeys
{
    /// <summary>The endpoint honours <c>Idempotency-Key</c>: the filter, and the header in the OpenAPI document.</summary>
    public static RouteHandlerBuilder WithIdempotencyKey(this RouteHandlerBuilder builder) => builder
        .AddEndpointFilter<IdempotencyFilter>()
        .WithRequestHeader(IdempotencyFilter.Header,
            "Up to 255 printable characters (a UUID): a retry with the same key and request gets the first answer again (kept 24 hours), " +
            "with `Idempotent-Replayed: true`; the same key with another request is 422 `IDEMPOTENCY_KEY_REUSED`, while the first still runs 409 " +
            "`IDEMPOTENCY_REQUEST_IN_PROGRESS`.", "5f0c6a57-3f0e-4b61-9d1c-2d0c8a1f7e42", 255)
        .WithResponseHeader(OpenApiConventions.IdempotentReplayed, null, IdempotencyFilter.ReplayedStatuses);
}
