using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Vtex;

/// <summary>
/// The current VTEX protocol drops sender and receiver zipCode: a receiver without one is served when its coordinates
/// or its city resolve to a coverage zone, and refused in VTEX terms otherwise.
/// </summary>
public sealed class VtexOptionalZipCodeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static JsonObject WithoutZipCodes(double? latitude, double? longitude, string city)
    {
        var (service, _, _) = VtexServices.Valid();
        service["sender"]!.AsObject().Remove("zipCode");
        var receiver = service["receiver"]!.AsObject();
        receiver.Remove("zipCode");
        receiver["city"] = city;
        receiver["location"] = latitude is null ? null : new JsonObject { ["latitude"] = latitude, ["longitude"] = longitude };
        return service;
    }

    private async Task<JsonElement> Created(JsonObject service)
    {
        using var response = await api.Vtex().PostAsync("/vtex/services", Orders.Body(service));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    [Fact]
    public async Task A_receiver_inside_a_zones_area_is_served_without_a_zip_code()
    {
        var answer = await Created(WithoutZipCodes(4.65, -74.08, "Somewhere"));

        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var shipment = await shipper.GetAsync($"/v1/shipments/{answer.Str("serviceId")}");
        var data = (await shipment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        Assert.Equal("co-bog", data.Str("zoneId"));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("order").GetProperty("recipientLocation").GetProperty("postalCode").ValueKind);
    }

    [Fact]
    public async Task A_receiver_without_coordinates_is_placed_by_its_city_and_quoted_the_same_way()
    {
        var service = WithoutZipCodes(null, null, "BOGOTA");
        using (var rates = await api.Vtex().PostAsync("/vtex/rates", Orders.Body(service)))
        {
            Assert.Equal(HttpStatusCode.OK, rates.StatusCode);
        }

        var answer = await Created(service);
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        using var view = await carrier.GetAsync($"/tracking/hook/{CarrierClient.Servientrega}/{answer.Str("serviceId")}");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
    }

    [Fact]
    public async Task A_receiver_neither_its_coordinates_nor_its_city_place_is_refused_naming_the_zip_code()
    {
        var service = WithoutZipCodes(-33.24, -135.05, "Valle");

        using var refused = await api.Vtex().PostAsync("/vtex/services", Orders.Body(service));
        var error = (await refused.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal("COVERAGE_FAILURE", error.Str("code"));
        Assert.Equal("receiver.zipCode", error.Str("parameter"));
        Assert.Contains("'Valle'", error.Str("details"), StringComparison.Ordinal);

        using var rates = await api.Vtex().PostAsync("/vtex/rates", Orders.Body(service));
        Assert.Equal("COVERAGE_FAILURE", (await rates.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error().Str("code"));
    }

    [Fact]
    public async Task The_cargamos_api_still_requires_the_postal_code()
    {
        var order = Orders.Valid();
        order["recipientLocation"]!.AsObject().Remove("postalCode");
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var refused = await shipper.Integrate(order);
        var error = (await refused.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal("MISSING_PARAMETER", error.Str("code"));
        Assert.Equal("recipientLocation.postalCode", error.Str("parameter"));
    }
}
