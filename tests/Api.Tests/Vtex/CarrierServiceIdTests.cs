using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Vtex;

/// <summary>
/// A carrier's next report on a service uses the shipment its id named last time (CarrierServiceIds) only after checking,
/// in the same round trip, that the id still names exactly that shipment among the carrier's: every answer is the one
/// a fresh lookup gives.
/// </summary>
public sealed class CarrierServiceIdTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_trackingId_another_shipment_of_the_carrier_takes_afterwards_is_ambiguous_on_the_next_report_and_nothing_is_appended()
    {
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        var (first, trackingId) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("PENDING"))).StatusCode);

        // Another shipper's shipment with the same trackingId, for the same carrier.
        var (second, _) = await api.Shipment("other-shipper", trackingId);

        using var response = await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("ASSIGNED"));
        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("AMBIGUOUS_ID", body.Error().Str("code"));
        Assert.Equal((2L, 1L), (await Version(first), await Version(second)));

        // By its shipmentId the first one still takes the report.
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, first.ToString(), CarrierClient.Status("ASSIGNED"))).StatusCode);
        Assert.Equal(3L, await Version(first));
    }

    [Fact]
    public async Task A_service_remembered_for_one_carrier_is_still_not_found_for_another()
    {
        var servientrega = await api.AsCarrier(CarrierClient.ServientregaKey);
        var blueExpress = await api.AsCarrier(CarrierClient.BlueExpressKey);
        var (id, trackingId) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await servientrega.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("PENDING"))).StatusCode);

        foreach (var serviceId in new[] { trackingId, id.ToString() })
        {
            using var response = await blueExpress.Patch(CarrierClient.BlueExpress, serviceId, CarrierClient.Status("ASSIGNED"));
            await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        Assert.Equal(HttpStatusCode.OK, (await servientrega.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("ASSIGNED"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await servientrega.Patch(CarrierClient.Servientrega, id.ToString(), CarrierClient.Status("PICKED"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await servientrega.Patch(CarrierClient.Servientrega, id.ToString(), CarrierClient.Status("ON_ROUTE"))).StatusCode);
        Assert.Equal(5L, await Version(id));
    }

    [Fact]
    public async Task A_refused_transition_on_a_remembered_service_is_refused_as_on_a_fresh_lookup_and_the_next_valid_one_is_taken()
    {
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        var (id, trackingId) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("PENDING"))).StatusCode);

        using (var illegal = await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("DELIVERED")))
        {
            Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        }

        Assert.Equal(2L, await Version(id));
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("ASSIGNED"))).StatusCode);
        Assert.Equal(3L, await Version(id));
    }

    private async Task<long> Version(Guid id)
    {
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamStateAsync(id))!.Version;
    }
}
