using System.Globalization;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cargamos.Modular.Api.Shipments;

public static class ShipmentEndpoints
{
    /// <summary>One recorded event as auditors read it.</summary>
    public sealed record EventView(long Sequence, long Version, string Type, DateTimeOffset Timestamp, Actor Actor, string? ProcessId, object Data);

    public sealed record EventsView(Guid ShipmentId, string TrackingId, IReadOnlyList<EventView> Events);

    public sealed record CancelRequest(CancelType? Type, string? Comment);

    public sealed record VersionView(Guid ShipmentId, long Version);

    public static IEndpointRouteBuilder MapShipments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/shipments/{id}")
            .WithTags("Shipments")
            .RequireAuthorization();

        group.MapGet("/events", GetEvents)
            .WithSummary("The shipment's raw event stream, in order")
            .WithDescription("`{id}` is a shipmentId or a trackingId. Auditors see every shipment; a shipper only its own (404 otherwise).")
            .Produces<ApiEnvelope<EventsView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapGet("/state", GetState)
            .WithSummary("The shipment as it was at a stream version (?version=N) or at a moment (?at=ISO 8601), or now")
            .WithDescription("Replays the stream up to the version or time. The ETag header is the version of the state returned.")
            .Produces<ApiEnvelope<Shipment>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(404);

        group.MapPost("/cancel", Cancel)
            .WithSummary("Cancel a shipment that no courier has picked yet")
            .WithDescription("Shipper (own shipments) or operator. Optional `If-Match: \"<version>\"` refuses the cancel if the shipment changed (409). " +
                             "A picked parcel cannot be canceled (409 INVALID_STATUS_TRANSITION). Cancelling a canceled shipment is accepted and records nothing.")
            .Accepts<CancelRequest>("application/json")
            .Produces<ApiEnvelope<VersionView>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    private static async Task<IResult> GetEvents(string id, ISender mediator, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var view = await mediator.Send(new GetShipmentEvents(id), ct);
        var events = view.Events.Select(e => new EventView(e.Sequence, e.Version, e.EventType, e.Timestamp, e.Data.By, e.ProcessId, e.Data)).ToList();
        return Ok(http, clock, new EventsView(view.ShipmentId, view.TrackingId, events));
    }

    private static async Task<IResult> GetState(string id, string? version, string? at, ISender mediator, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        long? parsedVersion = null;
        if (version is not null)
        {
            parsedVersion = long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw AppError.InvalidParameter($"'{version}' is not a version: give a positive whole number.", "version");
        }

        DateTimeOffset? parsedAt = null;
        if (at is not null)
        {
            parsedAt = DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
                : throw AppError.InvalidParameter($"'{at}' is not an ISO 8601 date-time (e.g. 2026-11-28T10:00:00Z).", "at");
        }

        var state = await mediator.Send(new GetShipmentState(id, parsedVersion, parsedAt), ct);
        http.Response.Headers.ETag = $"\"{state.Version}\"";
        return Ok(http, clock, state);
    }

    private static async Task<IResult> Cancel(string id, [FromBody] CancelRequest? body, HttpContext http, ISender mediator, TimeProvider clock, CancellationToken ct)
    {
        var result = await mediator.Send(new CancelShipment(id, body?.Type, body?.Comment, IfMatch.Version(http)), ct);
        http.Response.Headers.ETag = $"\"{result.Version}\"";
        return Ok(http, clock, new VersionView(result.ShipmentId, result.Version));
    }

    private static IResult Ok<T>(HttpContext http, TimeProvider clock, T data) =>
        TypedResults.Ok(new ApiEnvelope<T>(StatusNames.ApiVersion, "OK", ProcessId.Of(http), clock.GetUtcNow().ToUnixTimeMilliseconds(), data));
}

/// <summary>Reads <c>If-Match: "N"</c> as the version a client expects the shipment to be at.</summary>
public static class IfMatch
{
    public static long? Version(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var raw = header.Trim().TrimStart('W', '/').Trim('"');
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw new AppError(ErrorKind.BadRequest, "INVALID_PARAMETER", ExceptionMapper.InvalidParameterMessage,
                $"If-Match must be a shipment version as returned in ETag, e.g. \"3\"; got {header}.", "If-Match", "request.header");
    }
}
