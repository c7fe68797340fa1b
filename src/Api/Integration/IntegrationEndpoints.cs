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
    /// <summary>The order as accepted (a copy of the request, normalized) plus trackingId and shipmentId.</summary>
    public sealed record IntegratedOrderView(
        RecipientLocation RecipientLocation,
        RecipientInformation RecipientInformation,
        PackageInformation PackageInformation,
        DateTimeOffset ShipperDropoffDate,
        DateTimeOffset ExpectedDeliveryDate,
        string? ShipperTrackingId,
        string? LotId,
        string? TrackingId,
        Guid? ShipmentId);

    public static IEndpointRouteBuilder MapIntegration(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/delivery-orders", Integrate)
            .WithTags("Integration")
            .RequireAuthorization()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithSummary("Integrate a delivery order: validate it and create the shipment")
            .WithDescription(DeliveryOrderDocs.Description)
            .Accepts<DeliveryOrderRequest>("application/json")
            .Produces<ApiEnvelope<IntegratedOrderView>>(StatusCodes.Status201Created)
            .Produces<ApiEnvelope<IntegratedOrderView>>(StatusCodes.Status200OK)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(401)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(409)
            .Produces<ErrorEnvelope>(422)
            .AddOpenApiOperationTransformer(DeliveryOrderDocs.AddExamples);
        return app;
    }

    private static async Task<IResult> Integrate([FromBody] DeliveryOrderRequest? order, bool? simulate, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var result = await mediator.Send(new IntegrateDeliveryOrder(order ?? Empty, simulate ?? false), ct);
        var o = result.Order;
        var view = new IntegratedOrderView(o.RecipientLocation, o.RecipientInformation, o.PackageInformation, o.ShipperDropoffDate,
            o.ExpectedDeliveryDate, o.ShipperTrackingId, o.LotId, result.TrackingId, result.ShipmentId);
        return result.ShipmentId is { } id
            ? Envelopes.Created(http, $"/v1/shipments/{id}", view)
            : Envelopes.Ok(http, view);
    }

    private static readonly DeliveryOrderRequest Empty = new(null, null, null, null, null, null, null);
}
