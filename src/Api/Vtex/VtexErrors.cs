using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Vtex;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// The VTEX-facing endpoints' errors as the current protocol shapes them: <c>message</c> and <c>requestId</c> at the top
/// level, and for a service a carrier route names but that does not exist, <c>code: "TRP0005E"</c> with
/// <c>Service not found: '{carrierId}&amp;{serviceId}'</c>, <c>type: "exception"</c>, <c>data {carrierId, serviceId}</c> and
/// <c>date</c>, as the protocol's 404 example shows; the Cargamos <c>errors</c> list stays.
/// </summary>
internal static class VtexErrors
{
    public static readonly ProtocolErrors Shape = new(routeValues =>
        routeValues.TryGetValue("carrierId", out var carrier) && routeValues.TryGetValue("serviceId", out var service)
            && carrier?.ToString() is { } carrierId && service?.ToString() is { } serviceId
            && CarrierShipments.WithoutCarrier(carrierId, serviceId) is var serviceWithoutPrefix
            ? new ProtocolNotFound("TRP0005E", $"Service not found: '{carrierId}&{serviceWithoutPrefix}'",
                new Dictionary<string, string> { ["carrierId"] = carrierId, ["serviceId"] = serviceWithoutPrefix })
            : null);

    public static TBuilder WithVtexErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Shape);
}
