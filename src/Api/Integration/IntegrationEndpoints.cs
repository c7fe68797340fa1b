using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Api.Integration;

internal static class IntegrationEndpoints
{
    /// <summary>
    /// The order as accepted (a copy of the request, normalized) plus trackingId and shipmentId, and its price under the
    /// shipper's rate card in force (null when the shipper has no rate card).
    /// </summary>
    public sealed record IntegratedOrderView(
        RecipientLocation RecipientLocation,
        RecipientInformation RecipientInformation,
        PackageInformation PackageInformation,
        DateTimeOffset ShipperDropoffDate,
        DateTimeOffset ExpectedDeliveryDate,
        string? ShipperTrackingId,
        string? LotId,
        string? TrackingId,
        Guid? ShipmentId,
        ShipmentPrice? Price);

    public static IEndpointRouteBuilder MapIntegration(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/delivery-orders", Integrate)
            .WithName("IntegrateDeliveryOrder")
            .WithTags("Integration")
            .RequireAuthorization()
            .WithIdempotencyKey()
            .WithSummary("Integrate a delivery order: validate it and create the shipment")
            .WithDescription(DeliveryOrderDocs.Description)
            .Accepts<DeliveryOrderRequest>("application/json")
            .Produces<ApiEnvelope<IntegratedOrderView>>(StatusCodes.Status201Created)
            .Produces<ApiEnvelope<IntegratedOrderView>>(StatusCodes.Status200OK)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(401)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(409)
            .Produces<ErrorEnvelope>(422);

        app.MapPost("/v1/rates", Quote)
            .WithName("QuoteDelivery")
            .WithTags("Integration")
            .RequireAuthorization()
            .WithSummary("Quote a delivery: price, insurance and promised window, without creating anything")
            .WithDescription("Shipper users. The body is a delivery order (as for POST /v1/delivery-orders), or just what a price depends on:\n\n" +
                             """
                             ```json
                             {
                               "recipientLocation": { "country": "mx", "postalCode": "06600" },
                               "packageInformation": { "weight": 2.5, "dimensions": { "length": 30, "width": 20, "height": 15 },
                                                       "declaredValue": 1500, "currency": "MXN" },
                               "shipperDropoffDate": "2026-12-02T10:00:00-06:00"
                             }
                             ```
                             """ +
                             "\n\n`price` is what the shipper's rate card in force charges: `shipping` for the billable weight (the greater of the actual " +
                             "weight and length x width x height / the card's volumetric divisor, rounded up to 0.01 kg) in the destination's zone, " +
                             "`insurance` on the declared value, `total`, in the card's `currency`; `rateCard` names the version. A shipper without a " +
                             "rate card gets `price: null`. `dropoffBy` is the cut-off of the first possible dropoff day (or of `shipperDropoffDate`), " +
                             "`earliestDelivery`..`latestDelivery` the contract's lead times from it (zone local dates). Refusals use the codes of " +
                             "intake: 400 for the fields, 409 COVERAGE_FAILURE, SERVICE_LEVEL_FAILURE, PACKAGE_LIMIT_EXCEEDED or RATE_NOT_AVAILABLE, " +
                             "403 CONTRACT_NOT_VALID or ACCOUNT_SUSPENDED. Example: `curl -X POST localhost:5000/v1/rates -H \"Authorization: Bearer $TOKEN\" " +
                             "-H 'Content-Type: application/json' -d '{...}'`.")
            .Accepts<RateRequest>("application/json")
            .Produces<ApiEnvelope<DeliveryQuote>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(401)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    private static async Task<IResult> Quote([FromBody] RateRequest? request, HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new QuoteDelivery(request ?? new RateRequest(null, null, null, null)), ct));

    private static async Task<IResult> Integrate([FromBody] DeliveryOrderRequest? order, bool? simulate, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var result = await mediator.Send(new IntegrateDeliveryOrder(order ?? Empty, simulate ?? false), ct);
        var o = result.Order;
        var view = new IntegratedOrderView(o.RecipientLocation, o.RecipientInformation, o.PackageInformation, o.ShipperDropoffDate,
            o.ExpectedDeliveryDate, o.ShipperTrackingId, o.LotId, result.TrackingId, result.ShipmentId, result.Price);
        return result.ShipmentId is { } id
            ? Envelopes.Created(http, $"/v1/shipments/{id}", view)
            : Envelopes.Ok(http, view);
    }

    private static readonly DeliveryOrderRequest Empty = new(null, null, null, null, null, null, null);
}
