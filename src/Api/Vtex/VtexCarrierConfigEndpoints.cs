using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// The "carrier configuration" endpoints of the VTEX Pick and Pack protocol: what VTEX sends us, as its carrier, to
/// create, cancel and pause a service. Authenticated with the VTEX app key pair; answers in VTEX's JSON conventions
/// (nulls present, UTC millisecond timestamps); errors in the Cargamos envelope like the rest of the API.
/// </summary>
internal static class VtexCarrierConfigEndpoints
{
    public const string Executed = "Service executed successfully";

    /// <summary>
    /// The service creation answer of the VTEX document, key for key, plus the current protocol's <c>rate</c>:
    /// <c>shippingPrice</c> is the quoted shipping price in cents (null when the shipper has no rate card).
    /// </summary>
    public sealed record ServiceCreatedAnswer(
        string Status, string ServiceId, decimal? ShippingPrice, VtexRate? Rate, object? MetaData, DateTimeOffset? ShippingEstimatedDate,
        IReadOnlyList<VtexServiceLabel> Labels);

    public static IEndpointRouteBuilder MapVtexCarrierConfig(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/vtex/services")
            .WithVtexErrors()
            .WithTags("VTEX carrier configuration")
            .RequireAuthorization(VtexAppKeyAuthentication.Policy);

        group.MapPost("", Create)
            .WithName("CreateVtexService")
            .WithSummary("VTEX service creation: validate it, map it to a delivery order and create the shipment")
            .WithDescription("Headers X-VTEX-API-AppKey and X-VTEX-API-AppToken. The seller must be linked to the VTEX account, the carrierId " +
                             "must be a Cargamos carrier. The same orderId for the same carrier answers the first service again (serviceId is our trackingId). " +
                             "`labels` holds the shipment's 4x6 in label as PDF and as ZPL: signed links that download it without credentials for 30 days " +
                             "(a retry answers the same label ids with fresh links).")
            .Accepts<VtexServiceRequest>("application/json")
            .Produces<ServiceCreatedAnswer>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(403)
            .Produces<ProtocolErrorEnvelope>(404)
            .Produces<ProtocolErrorEnvelope>(409);

        app.MapPost("/vtex/rates", Rates)
            .WithName("QuoteVtexService")
            .WithVtexErrors()
            .WithTags("VTEX carrier configuration")
            .RequireAuthorization(VtexAppKeyAuthentication.Policy)
            .WithSummary("VTEX calculate rates: what the service would cost, without creating it")
            .WithDescription("Headers X-VTEX-API-AppKey and X-VTEX-API-AppToken; the body of a service creation, checked and mapped the same way, except " +
                             "what a price does not depend on: the receiver's `phone` and `location` may be left out (the schema is the creation's). " +
                             "The protocol's 200 schema for /rates points at the service object, which cannot be meant: the answer follows the " +
                             "endpoint's description and the protocol's `rate` objects: `{ carrierId, rate: { shippingPrice: { value, currency }, " +
                             "insurancePrice: { value, currency } }, shippingEstimatedDate, transitTime }`, values in cents (integer), `rate` null when " +
                             "the seller's shipper has no rate card, `transitTime` the longest lead time in days from the pickup day. Refusals are those " +
                             "of service creation (400, 403, 404, 409 COVERAGE_FAILURE / SERVICE_LEVEL_FAILURE / PACKAGE_LIMIT_EXCEEDED / RATE_NOT_AVAILABLE).")
            .Accepts<VtexServiceRequest>("application/json")
            .Produces<VtexRateAnswer>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(403)
            .Produces<ProtocolErrorEnvelope>(404)
            .Produces<ProtocolErrorEnvelope>(409);

        group.MapPost("/cancel", Cancel)
            .WithName("CancelVtexService")
            .WithSummary("VTEX cancel service: cancel the shipment (END_CLIENT_CANCELED) unless a courier picked it")
            .Accepts<VtexCancelRequest>("application/json")
            .Produces<VtexJson.Answer<VtexCancelRequest>>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(404)
            .Produces<ProtocolErrorEnvelope>(409);

        group.MapPost("/pause", Pause)
            .WithName("PauseVtexService")
            .WithSummary("VTEX pause service: pause: true puts it ON_HOLD (END_CLIENT_PAUSE), pause: false resumes it")
            .Accepts<VtexPauseRequest>("application/json")
            .Produces<VtexJson.Answer<VtexPauseRequest>>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(404)
            .Produces<ProtocolErrorEnvelope>(409);
        return app;
    }

    private static async Task<IResult> Create(
        [FromBody] VtexServiceRequest? service, HttpContext http, ISender mediator, ILabelLinks links, CancellationToken ct)
    {
        var created = await mediator.Send(new CreateVtexService(VtexAppKeyAuthentication.AccountOf(http.User), service ?? VtexServiceRequest.Empty), ct);
        return TypedResults.Json(new ServiceCreatedAnswer(created.Status, created.ServiceId,
            created.Price is { } price ? ShipmentPrice.Cents(price.Shipping) : null, VtexRate.Of(created.Price), null, created.ShippingEstimatedDate,
            Labels(created, links)), VtexJson.Options);
    }

    private static async Task<IResult> Rates([FromBody] VtexServiceRequest? service, HttpContext http, ISender mediator, CancellationToken ct) =>
        TypedResults.Json(await mediator.Send(new QuoteVtexService(VtexAppKeyAuthentication.AccountOf(http.User), service ?? VtexServiceRequest.Empty), ct),
            VtexJson.Options);

    /// <summary>The shipment's label in both formats VTEX prints; the ids are stable, the links fresh at each answer.</summary>
    private static List<VtexServiceLabel> Labels(CreatedVtexService created, ILabelLinks links) =>
    [
        new($"{created.ServiceId}-pdf", links.Label(created.ShipmentId, LabelFormat.Pdf), $"Cargamos label {created.ServiceId} (4x6 in, PDF)", LabelType.Pdf),
        new($"{created.ServiceId}-zpl", links.Label(created.ShipmentId, LabelFormat.Zpl), $"Cargamos label {created.ServiceId} (4x6 in, ZPL 203 dpi)", LabelType.Zpl),
    ];

    private static async Task<IResult> Cancel([FromBody] VtexCancelRequest? body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var request = body ?? new VtexCancelRequest(null, null, null);
        await mediator.Send(new CancelVtexService(VtexAppKeyAuthentication.AccountOf(http.User), request.ServiceId, request.CarrierId, request.Reason), ct);
        return VtexJson.Ok(Executed, request);
    }

    private static async Task<IResult> Pause([FromBody] VtexPauseRequest? body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var request = body ?? new VtexPauseRequest(null, null, null, null);
        await mediator.Send(new PauseVtexService(VtexAppKeyAuthentication.AccountOf(http.User), request.ServiceId, request.CarrierId, request.Pause, request.Reason), ct);
        return VtexJson.Ok(Executed, request);
    }
}
