using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;
using Cargamos.Modular.Api.Tests.Webhooks;

namespace Cargamos.Modular.Api.Tests.Rates;

/// <summary>Rate cards in the shipper contract, quotes (POST /v1/rates) and the price recorded on every shipment.</summary>
public sealed class RateTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static decimal Dec(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    private static JsonObject Package(decimal weight, decimal length, decimal width, decimal height, decimal? declared = null, string? currency = "MXN")
    {
        var package = new JsonObject { ["weight"] = weight, ["dimensions"] = new JsonObject { ["length"] = length, ["width"] = width, ["height"] = height } };
        if (declared is not null)
        {
            package["declaredValue"] = declared;
            package["currency"] = currency;
        }

        return package;
    }

    private static JsonObject Quote(string postalCode, JsonObject package) => new()
    {
        ["recipientLocation"] = new JsonObject { ["country"] = "mx", ["postalCode"] = postalCode },
        ["packageInformation"] = package,
    };

    private async Task<(string Key, HttpClient Shipper, HttpClient Operator)> PricedShipper(JsonObject? card = null)
    {
        var (key, shipper) = await api.NewShipper();
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        if (card is not null)
        {
            using var added = await operatorClient.AddRateCard(key, card);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        return (key, shipper, operatorClient);
    }

    private static async Task<JsonElement> Data(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("data");
    }

    [Fact]
    public async Task A_rate_card_version_prices_quotes_and_orders_and_explains_them_after_a_new_version()
    {
        var (key, shipper, operatorClient) = await PricedShipper(AdminRequests.RateCard("mx-cdmx"));
        var order = Orders.Valid(); // 1.5 kg, 30 x 20 x 12 cm (1.44 kg volumetric), declared 1,200 MXN

        using var quoted = await shipper.PostAsync("/v1/rates", Orders.Body(order));
        var quote = await Data(quoted);
        var price = quote.GetProperty("price");
        Assert.Equal(new[] { "currency", "shipping", "insurance", "total", "billableWeightKg", "volumetricWeightKg", "rateCardVersion" },
            price.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("MXN", price.Str("currency"));
        Assert.Equal(99m, Dec(price, "shipping"));
        Assert.Equal(18m, Dec(price, "insurance")); // 1.5 % of 1,200
        Assert.Equal(117m, Dec(price, "total"));
        Assert.Equal(1.5m, Dec(price, "billableWeightKg"));
        Assert.Equal(1.44m, Dec(price, "volumetricWeightKg"));
        Assert.Equal(1, price.GetProperty("rateCardVersion").GetInt32());
        Assert.Equal(1, quote.GetProperty("rateCard").GetProperty("version").GetInt32());
        Assert.Equal("mx-cdmx", quote.Str("zoneId"));
        Assert.Equal("servientrega-50461c9f3335", quote.Str("carrierId"));

        // The promise counts the contract's lead times (1 to 7 days) from the requested dropoff day, zone local dates.
        var dropoff = DateTimeOffset.Parse(order["shipperDropoffDate"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal(DateOnly.FromDateTime(dropoff.DateTime).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), quote.Str("earliestDelivery"));
        Assert.Equal(DateOnly.FromDateTime(dropoff.DateTime).AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), quote.Str("latestDelivery"));
        Assert.Equal(dropoff.Date.AddHours(18), DateTimeOffset.Parse(quote.Str("dropoffBy")!, CultureInfo.InvariantCulture).DateTime);

        // A quote creates nothing.
        using (var list = await shipper.GetAsync("/v1/shipments"))
        {
            Assert.Equal(0, (await Data(list)).GetProperty("items").GetArrayLength());
        }

        using var created = await shipper.Integrate(order);
        var first = await Data(created, HttpStatusCode.Created);
        Assert.Equal(price.GetRawText(), first.GetProperty("price").GetRawText());

        // Version 2 raises the 1-5 kg band: new orders pay it, the first shipment keeps the price version 1 gave it.
        var v2 = AdminRequests.RateCard("mx-cdmx");
        v2["zones"]![0]!["bands"]![1]!["price"] = 109.9;
        using (var added = await operatorClient.AddRateCard(key, v2))
        {
            var card = await Data(added, HttpStatusCode.Created);
            Assert.Equal(2, card.GetProperty("version").GetInt32());
            Assert.Equal($"/v1/admin/shippers/{key}/rate-cards/2", added.Headers.Location!.OriginalString);
        }

        var (secondId, _) = await shipper.IntegrateOk(Orders.Valid());
        using (var second = await shipper.GetAsync($"/v1/shipments/{secondId}"))
        {
            var secondPrice = (await Data(second)).GetProperty("price");
            Assert.Equal(109.9m, Dec(secondPrice, "shipping"));
            Assert.Equal(127.9m, Dec(secondPrice, "total"));
            Assert.Equal(2, secondPrice.GetProperty("rateCardVersion").GetInt32());
        }

        var firstId = first.Str("shipmentId");
        using (var again = await shipper.GetAsync($"/v1/shipments/{firstId}"))
        {
            Assert.Equal(price.GetRawText(), (await Data(again)).GetProperty("price").GetRawText());
        }

        // Auditors see the price in the stream, and the version it names still says what it said.
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using (var events = await auditor.GetAsync($"/v1/shipments/{firstId}/events"))
        {
            var createdEvent = (await Data(events)).GetProperty("events")[0];
            Assert.Equal("ShipmentCreated", createdEvent.Str("type"));
            Assert.Equal(1, createdEvent.GetProperty("data").GetProperty("price").GetProperty("rateCardVersion").GetInt32());
        }

        using (var v1 = await operatorClient.GetAsync($"/v1/admin/shippers/{key}/rate-cards/1"))
        {
            var card = await Data(v1);
            Assert.Equal(99m, card.GetProperty("zones")[0].GetProperty("bands")[1].GetProperty("price").GetDecimal());
            Assert.Equal($"cargamos/{DemoUser.Operator.Email}", card.Str("createdBy"));
        }

        using var versions = await operatorClient.GetAsync($"/v1/admin/shippers/{key}/rate-cards");
        Assert.Equal(new[] { 2, 1 }, (await Data(versions)).EnumerateArray().Select(c => c.GetProperty("version").GetInt32()).ToArray());
    }

    [Fact]
    public async Task Volumetric_weight_extra_kilograms_and_the_minimum_insurance_are_applied()
    {
        var (_, shipper, _) = await PricedShipper(AdminRequests.RateCard("mx-cdmx"));

        // 50 x 40 x 30 cm = 12 kg volumetric > 2 kg actual: the 10 kg band (139) + 2 started kg x 12.50; 1.5 % of 100 < 10.
        using var response = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(2m, 50m, 40m, 30m, declared: 100m))));
        var price = (await Data(response)).GetProperty("price");
        Assert.Equal(12m, Dec(price, "billableWeightKg"));
        Assert.Equal(12m, Dec(price, "volumetricWeightKg"));
        Assert.Equal(164m, Dec(price, "shipping"));
        Assert.Equal(10m, Dec(price, "insurance"));
        Assert.Equal(174m, Dec(price, "total"));

        // A band's upper bound belongs to it; the next 0.01 kg does not; no declared value, no insurance.
        using var exact = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(5m, 10m, 10m, 10m))));
        Assert.Equal(99m, Dec((await Data(exact)).GetProperty("price"), "shipping"));
        using var above = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(5.001m, 10m, 10m, 10m))));
        var abovePrice = (await Data(above)).GetProperty("price");
        Assert.Equal(5.01m, Dec(abovePrice, "billableWeightKg"));
        Assert.Equal(139m, Dec(abovePrice, "shipping"));
        Assert.Equal(0m, Dec(abovePrice, "insurance"));
    }

    [Fact]
    public async Task Quotes_refuse_with_the_codes_of_intake()
    {
        var (key, shipper, operatorClient) = await PricedShipper(AdminRequests.RateCard("mx-cdmx"));

        using (var missing = await shipper.PostAsync("/v1/rates", Orders.Body(new JsonObject { ["recipientLocation"] = new JsonObject { ["country"] = "mx" } })))
        {
            var body = await missing.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
            var parameters = body.GetProperty("errors").EnumerateArray().Select(e => e.Str("parameter")).ToList();
            Assert.Contains("recipientLocation.postalCode", parameters);
            Assert.Contains("packageInformation", parameters);
        }

        using (var uncovered = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("97000", Package(1m, 10m, 10m, 10m)))))
        {
            Assert.Equal("COVERAGE_FAILURE", (await uncovered.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error().Str("code"));
        }

        using (var overweight = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(31m, 10m, 10m, 10m)))))
        {
            var error = (await overweight.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
            Assert.Equal("PACKAGE_LIMIT_EXCEEDED", error.Str("code"));
            Assert.Equal("packageInformation.weight", error.Str("parameter"));
        }

        using (var otherCurrency = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(1m, 10m, 10m, 10m, declared: 50m, currency: "USD")))))
        {
            var error = (await otherCurrency.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
            Assert.Equal("RATE_NOT_AVAILABLE", error.Str("code"));
            Assert.Equal("packageInformation.currency", error.Str("parameter"));
        }

        using (var badDate = await shipper.PostAsync("/v1/rates", Orders.Body(new JsonObject
               {
                   ["recipientLocation"] = new JsonObject { ["country"] = "mx", ["postalCode"] = "06700" },
                   ["packageInformation"] = Package(1m, 10m, 10m, 10m),
                   ["expectedDeliveryDate"] = "2030-01-10T10:00:00Z",
               })))
        {
            Assert.Equal("shipperDropoffDate", (await badDate.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("parameter"));
        }

        var contract = AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx"));
        contract["validTo"] = "2025-01-01T00:00:00Z";
        using (var expire = await operatorClient.PutContract(key, contract))
        {
            Assert.Equal(HttpStatusCode.OK, expire.StatusCode);
        }

        using var expired = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(1m, 10m, 10m, 10m))));
        Assert.Equal("CONTRACT_NOT_VALID", (await expired.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
    }

    [Fact]
    public async Task A_shipper_with_a_rate_card_cannot_ship_what_the_card_does_not_price_and_nothing_is_written()
    {
        // The card prices Guadalajara only, up to 10 kg, without extra kilograms.
        var card = AdminRequests.RateCard("mx-gdl");
        card["zones"]![0]!.AsObject().Remove("extraKgPrice");
        var (key, shipper, operatorClient) = await PricedShipper(card);
        var contract = AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx"), AdminRequests.ServiceLevel("mx-gdl"));
        using (var put = await operatorClient.PutContract(key, contract))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var cdmx = await shipper.Integrate(Orders.Valid()))
        {
            var error = (await cdmx.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
            Assert.Equal("RATE_NOT_AVAILABLE", error.Str("code"));
            Assert.Contains("mx-cdmx", error.Str("details"), StringComparison.Ordinal);
        }

        var heavy = Orders.Valid(postalCode: "44100");
        heavy["packageInformation"]!["weight"] = 12;
        using (var tooHeavy = await shipper.Integrate(heavy))
        {
            var error = (await tooHeavy.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
            Assert.Equal("RATE_NOT_AVAILABLE", error.Str("code"));
            Assert.Equal("packageInformation.weight", error.Str("parameter"));
            Assert.Contains("up to 10 kg", error.Str("details"), StringComparison.Ordinal);
        }

        using (var list = await shipper.GetAsync("/v1/shipments"))
        {
            Assert.Equal(0, (await Data(list)).GetProperty("items").GetArrayLength());
        }

        var (gdlId, _) = await shipper.IntegrateOk(Orders.Valid(postalCode: "44100"));
        using var gdl = await shipper.GetAsync($"/v1/shipments/{gdlId}");
        Assert.Equal(99m, Dec((await Data(gdl)).GetProperty("price"), "shipping"));
    }

    [Fact]
    public async Task The_card_in_force_is_the_highest_version_valid_now_and_a_lapsed_card_prices_nothing()
    {
        var (key, shipper, operatorClient) = await PricedShipper(AdminRequests.RateCard("mx-cdmx"));
        var future = AdminRequests.RateCard("mx-cdmx");
        future["zones"]![0]!["bands"]![1]!["price"] = 500;
        future["validFrom"] = "2030-06-01T00:00:00Z";
        using (var added = await operatorClient.AddRateCard(key, future))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using (var quoted = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(2m, 10m, 10m, 10m)))))
        {
            var price = (await Data(quoted)).GetProperty("price");
            Assert.Equal(99m, Dec(price, "shipping"));
            Assert.Equal(1, price.GetProperty("rateCardVersion").GetInt32());
        }

        var (lapsedKey, lapsedShipper, _) = await PricedShipper();
        var lapsed = AdminRequests.RateCard("mx-cdmx");
        lapsed["validTo"] = "2025-01-01T00:00:00Z";
        using (var added = await operatorClient.AddRateCard(lapsedKey, lapsed))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using var refused = await lapsedShipper.Integrate(Orders.Valid());
        var error = (await refused.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal("RATE_NOT_AVAILABLE", error.Str("code"));
        Assert.Contains("1 (2024-01-01 to 2025-01-01)", error.Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_destination_is_priced_by_the_card_in_its_countrys_currency()
    {
        var (key, shipper, operatorClient) = await PricedShipper(AdminRequests.RateCard("mx-cdmx"));
        using (var put = await operatorClient.PutContract(key, AdminRequests.Contract(["mx", "co"], AdminRequests.ServiceLevel("mx-cdmx"), AdminRequests.ServiceLevel("co-bog"))))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var bogota = new JsonObject
        {
            ["recipientLocation"] = new JsonObject { ["country"] = "co", ["postalCode"] = "110111" },
            ["packageInformation"] = Package(2m, 10m, 10m, 10m),
        };
        using (var noCop = await shipper.PostAsync("/v1/rates", Orders.Body(bogota)))
        {
            var error = (await noCop.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
            Assert.Equal("RATE_NOT_AVAILABLE", error.Str("code"));
            Assert.Contains("no rate card in COP", error.Str("details"), StringComparison.Ordinal);
        }

        // A COP card must not price Mexican zones.
        var wrong = AdminRequests.RateCard("co-bog", "mx-gdl");
        wrong["currency"] = "COP";
        using (var refused = await operatorClient.AddRateCard(key, wrong))
        {
            var body = await refused.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
            Assert.Equal("zones[1].zoneId", body.Error().Str("parameter"));
        }

        var cop = AdminRequests.RateCard("co-bog");
        cop["currency"] = "COP";
        cop["zones"]![0]!["bands"]![1]!["price"] = 15000;
        using (var added = await operatorClient.AddRateCard(key, cop))
        {
            Assert.Equal(2, (await Data(added, HttpStatusCode.Created)).GetProperty("version").GetInt32());
        }

        using (var inCop = await shipper.PostAsync("/v1/rates", Orders.Body(bogota)))
        {
            var price = (await Data(inCop)).GetProperty("price");
            Assert.Equal("COP", price.Str("currency"));
            Assert.Equal(15000m, Dec(price, "shipping"));
            Assert.Equal(2, price.GetProperty("rateCardVersion").GetInt32());
        }

        // The MXN card (version 1) still prices Mexico City, though version 2 is newer.
        using var inMxn = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(2m, 10m, 10m, 10m))));
        var mxn = (await Data(inMxn)).GetProperty("price");
        Assert.Equal(("MXN", 1), (mxn.Str("currency"), mxn.GetProperty("rateCardVersion").GetInt32()));
    }

    [Fact]
    public async Task A_shipper_without_a_rate_card_is_quoted_and_ships_without_a_price()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var quoted = await shipper.PostAsync("/v1/rates", Orders.Body(Quote("06700", Package(1m, 10m, 10m, 10m))));
        var quote = await Data(quoted);
        Assert.Equal(JsonValueKind.Null, quote.GetProperty("price").ValueKind);
        Assert.Equal(JsonValueKind.Null, quote.GetProperty("rateCard").ValueKind);
        Assert.Equal("mx-cdmx", quote.Str("zoneId"));
        Assert.NotNull(quote.Str("earliestDelivery"));

        using var created = await shipper.Integrate(Orders.Valid());
        Assert.Equal(JsonValueKind.Null, (await Data(created, HttpStatusCode.Created)).GetProperty("price").ValueKind);
    }

    [Fact]
    public async Task Rate_cards_are_validated_all_at_once_and_versions_are_found_by_number()
    {
        var (key, _, operatorClient) = await PricedShipper();
        var card = new JsonObject
        {
            ["currency"] = "EUR",
            ["volumetricDivisor"] = 0,
            ["zones"] = new JsonArray(
                new JsonObject { ["zoneId"] = "mx-cdmx", ["bands"] = new JsonArray(new JsonObject { ["upToKg"] = 1, ["price"] = 9.999 }, new JsonObject { ["upToKg"] = 1, ["price"] = -1 }) },
                new JsonObject { ["zoneId"] = "mx-cdmx", ["bands"] = new JsonArray() }),
            ["insurance"] = new JsonObject { ["rate"] = 2 },
            ["validFrom"] = "2027-01-01T00:00:00Z",
            ["validTo"] = "2026-01-01T00:00:00Z",
        };
        using (var invalid = await operatorClient.AddRateCard(key, card))
        {
            var body = await invalid.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
            var parameters = body.GetProperty("errors").EnumerateArray().Select(e => e.Str("parameter")).ToHashSet();
            foreach (var expected in new[]
                     {
                         "currency", "volumetricDivisor", "zones[0].bands[0].price", "zones[0].bands[1].upToKg", "zones[0].bands[1].price",
                         "zones[1].zoneId", "zones[1].bands", "insurance.rate", "validTo",
                     })
            {
                Assert.True(parameters.Contains(expected), $"{expected} not in [{string.Join(", ", parameters)}]");
            }
        }

        using (var unknownZone = await operatorClient.AddRateCard(key, AdminRequests.RateCard("mx-nowhere")))
        {
            Assert.Equal("zones[0].zoneId", (await unknownZone.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("parameter"));
        }

        using (var none = await operatorClient.GetAsync($"/v1/admin/shippers/{key}/rate-cards"))
        {
            Assert.Equal(0, (await Data(none)).GetArrayLength());
        }

        using (var unknownShipper = await operatorClient.AddRateCard("nobody-here", AdminRequests.RateCard("mx-cdmx")))
        {
            await unknownShipper.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        using var unknownVersion = await operatorClient.GetAsync($"/v1/admin/shippers/{key}/rate-cards/9");
        await unknownVersion.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}
