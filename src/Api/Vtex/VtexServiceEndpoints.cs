using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Mediator;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>The VTEX <c>Get service</c> endpoint: a carrier reads one of its services as the document's ServiceResponseDto.</summary>
internal static class VtexServiceEndpoints
{
    public static IEndpointRouteBuilder MapVtexService(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tracking/hook/{carrierId}/{serviceId}", Get)
            .WithName("GetVtexService")
            .WithVtexErrors()
            .WithTags("VTEX carriers")
            .RequireAuthorization(CarrierAuthentication.Policy)
            .WithSummary("Get a service: status, packages, labels, evidences, notes and its timeline")
            .WithDescription("`serviceId` is our trackingId (the serviceId answered at service creation), the shipmentId, or the view's " +
                             "serviceId `{carrierId}&{trackingId}`. Every field of the document's ServiceResponseDto is present, null when blank; " +
                             "timestamps are UTC with milliseconds. A token of another carrier is 403 CARRIER_MISMATCH; another carrier's service is 404.")
            .Produces<VtexJson.Answer<VtexServiceView>>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(403)
            .Produces<ProtocolErrorEnvelope>(404)
            .Produces<ProtocolErrorEnvelope>(409);
        return app;
    }

    private static async Task<IResult> Get(string carrierId, string serviceId, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        return VtexJson.Ok("success", await mediator.Send(new GetVtexService(carrierId, serviceId), ct));
    }
}
