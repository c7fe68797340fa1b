using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;
using Cargamos.Modular.Api.Tests.Vtex;

namespace Cargamos.Modular.Api.Tests.Rates;

/// <summary>Prices on the VTEX side: POST /vtex/rates, the service creation answer and the service view, in cents.</summary>
public sealed class VtexRateTests(ApiFactory api) : IClassFixture<ApiFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        // The demo VTEX seller ships for demo-shipper, to Bogotá: a flat 12,000.50 COP, insurance 1 % of the declared value.
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var card = new JsonObject
        {
            ["currency"] = "COP",
            ["volumetricDivisor"] = 5000,
            ["zones"] = new JsonArray(new JsonObject
            {
                ["zoneId"] = "co-bog", ["bands"] = new JsonArray(new JsonObject { ["upToKg"] = 1000, ["price"] = 12000.5 }),
            }),
            ["insurance"] = new JsonObject { ["rate"] = 0.01 },
            ["validFrom"] = "2024-01-01T00:00:00Z",
            ["validTo"] = "2031-01-01T00:00:00Z",
        };
        using var added = await operatorClient.AddRateCard("demo-shipper", card);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Rates_the_creation_answer_and_the_view_carry_the_same_price_in_cents()
    {
        var vtex = api.Vtex();
        var (service, _, delivery) = VtexServices.Valid();
        var declared = service["packages"]!.AsArray().Sum(p => p!["totalValue"]!.GetValue<decimal>());
        var insuranceCents = (long)decimal.Round(declared * 0.01m * 100m, 0, MidpointRounding.AwayFromZero);

        using var rates = await vtex.PostAsync("/vtex/rates", Orders.Body(service));
        var quoted = await rates.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, rates.StatusCode);
        Assert.Equal(new[] { "carrierId", "rate", "shippingEstimatedDate", "transitTime" }, quoted.EnumerateObject().Select(p => p.Name).ToArray());
        var rate = quoted.GetProperty("rate");
        Assert.Equal(1200050, rate.GetProperty("shippingPrice").GetProperty("value").GetInt64());
        Assert.Equal("COP", rate.GetProperty("shippingPrice").Str("currency"));
        Assert.Equal(insuranceCents, rate.GetProperty("insurancePrice").GetProperty("value").GetInt64());
        Assert.Equal(VtexServices.Utc(delivery), quoted.Str("shippingEstimatedDate"));
        Assert.Equal(7, quoted.GetProperty("transitTime").GetInt32()); // the demo contract's longest lead time

        // A quote created nothing: the same order is created afresh.
        using var created = await vtex.PostAsync("/vtex/services", Orders.Body(service));
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(1200050, answer.GetProperty("shippingPrice").GetInt64());
        Assert.Equal(rate.GetRawText(), answer.GetProperty("rate").GetRawText());

        using (var replayed = await vtex.PostAsync("/vtex/services", Orders.Body(service)))
        {
            var again = await replayed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(answer.Str("serviceId"), again.Str("serviceId"));
            Assert.Equal(rate.GetRawText(), again.GetProperty("rate").GetRawText());
        }

        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        using var view = await carrier.GetAsync($"/tracking/hook/{CarrierClient.Servientrega}/{answer.Str("serviceId")}");
        var data = (await view.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        Assert.Equal(1200050, data.GetProperty("shippingPrice").GetInt64());
        Assert.Equal(rate.GetRawText(), data.GetProperty("rate").GetRawText());
    }

    [Fact]
    public async Task Rates_refuse_as_service_creation_does_in_vtex_terms()
    {
        var (service, _, _) = VtexServices.Valid();
        service["receiver"]!["zipCode"] = "119999";
        using var uncovered = await api.Vtex().PostAsync("/vtex/rates", Orders.Body(service));
        var error = (await uncovered.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal("COVERAGE_FAILURE", error.Str("code"));
        Assert.Equal("receiver.zipCode", error.Str("parameter"));

        var (unlinked, _, _) = VtexServices.Valid();
        unlinked["seller"] = "not-linked";
        using var forbidden = await api.Vtex().PostAsync("/vtex/rates", Orders.Body(unlinked));
        Assert.Equal("seller", (await forbidden.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("parameter"));

        using var empty = await api.Vtex().PostAsync("/vtex/rates", Orders.Body(new JsonObject()));
        await empty.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
    }
}
