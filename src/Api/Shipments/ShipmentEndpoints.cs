using System.Globalization;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cargamos.Modular.Api.Shipments;

internal static class ShipmentEndpoints
{
    /// <summary>One recorded event as auditors read it.</summary>
    public sealed record EventView(long Sequence, long Version, string Type, DateTimeOffset Timestamp, Actor Actor, string? ProcessId, object Data);

    public sealed record EventsView(Guid ShipmentId, string TrackingId, IReadOnlyList<EventView> Events);

    public sealed record CancelRequest(CancelType? Type, string? Comment);

    public sealed record VersionView(Guid ShipmentId, long Version);

    public sealed record StatusChangeView(ShipmentStatus Status, DateTimeOffset At);

    /// <summary>What a shipper's customer service needs to answer "where is my package?".</summary>
    public sealed record TrackingView(
        string TrackingId, Guid ShipmentId, ShipmentStatus Status, IReadOnlyList<StatusChangeView> StatusHistory,
        DateTimeOffset? PromisedDate, DeliveryWindow? DeliveryWindow, DateTimeOffset LastUpdate, string CarrierId, string? TrackingUrl, int EvidencesCount,
        DateTimeOffset CreatedAt);

    public sealed record ShipmentView(
        Guid ShipmentId, string TrackingId, string? ShipperTrackingId, ShipmentStatus Status, string CarrierId, string? ZoneId,
        long? IntegrationLotId, string? LotId, DateTimeOffset? PromisedDate, DeliveryWindow? DeliveryWindow, string? TrackingUrl, int EvidencesCount,
        IReadOnlyList<StatusChangeView> StatusHistory, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version, DeliveryOrder? Order,
        ShipmentPrice? Price);

    public sealed record ShipmentSummary(
        Guid ShipmentId, string TrackingId, string? ShipperTrackingId, ShipmentStatus Status, string CarrierId,
        long? IntegrationLotId, string? LotId, DateTimeOffset? PromisedDate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record ShipmentPageView(IReadOnlyList<ShipmentSummary> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapShipments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/shipment-tracking/{trackingId}", GetTracking)
            .WithName("GetShipmentTracking")
            .WithTags("Shipments")
            .RequireAuthorization()
            .WithSummary("Track a shipment by its trackingId")
            .WithDescription("Status, status history, promised date, last update, carrier tracking URL and evidences count. A trackingId is unique among one shipper's shipments; the lookup is scoped to the caller.")
            .Produces<ApiEnvelope<TrackingView>>()
            .Produces<ErrorEnvelope>(404);

        app.MapGet("/v1/shipments", List)
            .WithName("ListShipments")
            .WithTags("Shipments")
            .RequireAuthorization()
            .WithSummary("List your shipments, newest first")
            .WithDescription("Filters: status (CREATED, PENDING, ...), createdFrom/createdTo (ISO 8601), lotId (integration lot id or your own lotId). " +
                             "Keyset pagination: pass the page's nextCursor as cursor; limit 1..200 (default 50). Staff see every shipper's shipments.")
            .Produces<ApiEnvelope<ShipmentPageView>>()
            .Produces<ErrorEnvelope>(400);

        var group = app.MapGroup("/v1/shipments/{id}")
            .WithTags("Shipments")
            .RequireAuthorization();

        group.MapGet("", Get)
            .WithName("GetShipment")
            .WithSummary("A shipment: its order, status, history and where it is going")
            .WithDescription("`{id}` is a shipmentId or a trackingId. The ETag header is the shipment's version (use it as If-Match to cancel).")
            .Produces<ApiEnvelope<ShipmentView>>()
            .Produces<ErrorEnvelope>(404)
            .WithResponseHeader(OpenApiConventions.ETag);

        group.MapGet("/events", GetEvents)
            .WithName("GetShipmentEvents")
            .WithSummary("The shipment's raw event stream, in order")
            .WithDescription("`{id}` is a shipmentId or a trackingId. Auditors see every shipment; a shipper only its own (404 otherwise).")
            .Produces<ApiEnvelope<EventsView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapGet("/state", GetState)
            .WithName("GetShipmentState")
            .WithSummary("The shipment as it was at a stream version (?version=N) or at a moment (?at=ISO 8601), or now")
            .WithDescription("Replays the stream up to the version or time. The ETag header is the version of the state returned.")
            .Produces<ApiEnvelope<Shipment>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(404)
            .WithResponseHeader(OpenApiConventions.ETag, "The version of the state returned, quoted (`\"3\"`).");

        group.MapPost("/cancel", Cancel)
            .WithName("CancelShipment")
            .WithSummary("Cancel a shipment that no courier has picked yet")
            .WithDescription("Shipper (own shipments) or operator. Optional `If-Match: \"<version>\"` refuses the cancel if the shipment changed (409). " +
                             "A picked parcel cannot be canceled (409 INVALID_STATUS_TRANSITION). Cancelling a canceled shipment is accepted and records nothing.")
            .Accepts<CancelRequest>("application/json")
            .Produces<ApiEnvelope<VersionView>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409)
            .WithResponseHeader(OpenApiConventions.ETag, "The shipment's version after the cancel, quoted.")
            .WithRequestHeader("If-Match", "The shipment's version as its `ETag` gave it (`\"3\"`): the cancel is refused with 409 `VERSION_CONFLICT` if the shipment changed since.", "\"3\"");
        return app;
    }

    private static async Task<IResult> GetTracking(string trackingId, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var t = await mediator.Send(new GetShipment(trackingId, TrackingIdOnly: true), ct);
        return Envelopes.Ok(http, new TrackingView(t.TrackingId, t.Id, t.Status, History(t), t.PromisedDate, t.Window, t.UpdatedAt, t.CarrierId,
            t.TrackingUrl, t.EvidencesCount, t.CreatedAt));
    }

    private static async Task<IResult> Get(string id, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var t = await mediator.Send(new GetShipment(id), ct);
        http.Response.Headers.ETag = $"\"{t.Version}\"";
        return Envelopes.Ok(http, new ShipmentView(t.Id, t.TrackingId, t.ShipperTrackingId, t.Status, t.CarrierId, t.ZoneId, t.IntegrationLotId,
            t.ShipperLotId, t.PromisedDate, t.Window, t.TrackingUrl, t.EvidencesCount, History(t), t.CreatedAt, t.UpdatedAt, t.Version, t.Order, t.Price));
    }

    private static async Task<IResult> List(
        string? status, string? createdFrom, string? createdTo, string? lotId, string? cursor, string? limit,
        ISender mediator, HttpContext http, CancellationToken ct)
    {
        ShipmentStatus? parsedStatus = status is null ? null
            : Enum.GetValues<ShipmentStatus>().Cast<ShipmentStatus?>().FirstOrDefault(s => string.Equals(s!.Value.ToCode(), status, StringComparison.OrdinalIgnoreCase))
              ?? throw AppError.InvalidParameter(
                  $"Value is not a valid enumeration member; permitted: {string.Join(", ", Enum.GetValues<ShipmentStatus>().Select(v => $"'{v.ToCode()}'"))}.", "status");
        var page = await mediator.Send(new ListShipments(parsedStatus, QueryDate(createdFrom, "createdFrom"), QueryDate(createdTo, "createdTo"), lotId, cursor,
            QueryParameters.Limit(limit)), ct);
        var items = page.Items.Select(t => new ShipmentSummary(t.Id, t.TrackingId, t.ShipperTrackingId, t.Status, t.CarrierId, t.IntegrationLotId,
            t.ShipperLotId, t.PromisedDate, t.CreatedAt, t.UpdatedAt)).ToList();
        return Envelopes.Ok(http, new ShipmentPageView(items, page.NextCursor));
    }

    private static List<StatusChangeView> History(Application.Shipments.Contracts.ShipmentTracking t) =>
        (t.History ?? []).Select(h => new StatusChangeView(h.Status, h.At)).ToList();

    private static DateTimeOffset? QueryDate(string? value, string name) =>
        value is null ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
            : throw AppError.InvalidParameter($"'{value}' is not an ISO 8601 date-time (e.g. 2026-11-28T10:00:00Z).", name);

    private static async Task<IResult> GetEvents(string id, ISender mediator, HttpContext http, CancellationToken ct)
    {
        return Envelopes.Ok(http, await Events(mediator, id, ct));
    }

    /// <summary>The stream as auditors read it: <c>GET /v1/shipments/{id}/events</c> and the <c>replay</c> command.</summary>
    public static async Task<EventsView> Events(ISender mediator, string id, CancellationToken ct)
    {
        var view = await mediator.Send(new GetShipmentEvents(id), ct);
        var events = view.Events.Select(e => new EventView(e.Sequence, e.Version, e.EventType, e.Timestamp, e.Data.By, e.ProcessId, e.Data)).ToList();
        return new EventsView(view.ShipmentId, view.TrackingId, events);
    }

    private static async Task<IResult> GetState(string id, string? version, string? at, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var state = await State(mediator, id, version, at, ct);
        http.Response.Headers.ETag = $"\"{state.Version}\"";
        return Envelopes.Ok(http, state);
    }

    /// <summary>The shipment at a version or a time, both as given in text: <c>GET /v1/shipments/{id}/state</c> and <c>replay --version/--at</c>.</summary>
    public static async Task<Shipment> State(ISender mediator, string id, string? version, string? at, CancellationToken ct)
    {
        long? parsedVersion = null;
        if (version is not null)
        {
            parsedVersion = long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw AppError.InvalidParameter($"'{version}' is not a version: give a positive whole number.", "version");
        }

        return await mediator.Send(new GetShipmentState(id, parsedVersion, QueryDate(at, "at")), ct);
    }

    private static async Task<IResult> Cancel(string id, [FromBody] CancelRequest? body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var result = await mediator.Send(new CancelShipment(id, body?.Type, body?.Comment, IfMatch.Version(http)), ct);
        http.Response.Headers.ETag = $"\"{result.Version}\"";
        return Envelopes.Ok(http, new VersionView(result.ShipmentId, result.Version));
    }

}

/// <summary>Reads <c>If-Match: "N"</c> as the version a client expects the shipment to be at.</summary>
internal static class IfMatch
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
