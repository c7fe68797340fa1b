using System.Net;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;

namespace Cargamos.Modular.Api.Tests.Integration;

/// <summary>The four validation layers of the Cargamos document, each reporting all its errors at once.</summary>
public sealed class IntegrationLayerTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static List<(string? Code, string? Parameter)> Errors(System.Text.Json.JsonElement body) =>
        body.GetProperty("errors").EnumerateArray().Select(e => (e.Str("code"), e.Str("parameter"))).ToList();

    [Fact]
    public async Task Layer1_anonymous_is_401_and_staff_are_403()
    {
        using var anonymous = await api.CreateClient().Integrate(Orders.Valid());
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var staff = await auditor.Integrate(new JsonObject()); // layer 1 before layer 2: an empty body is not even looked at
        var body = await staff.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Single(Errors(body));
    }

    [Fact]
    public async Task Layer1_a_shipper_suspended_after_login_is_refused_on_its_next_call_and_served_again_once_active()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var key = ReferenceData.AdminRequests.Unique("susp");
        using (var created = await operatorClient.CreateShipper(ReferenceData.AdminRequests.NewShipper(key, $"ops@{key}.mx", "a-long-password-1",
            ReferenceData.AdminRequests.Contract(["mx"], ReferenceData.AdminRequests.ServiceLevel("mx-cdmx")))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var shipper = await api.LoginAs(new DemoUser(key, $"ops@{key}.mx", "a-long-password-1"));
        await shipper.IntegrateOk();
        (await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null)).Dispose();

        using var refused = await shipper.Integrate(Orders.Valid());

        var body = await refused.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("ACCOUNT_SUSPENDED", body.Error().Str("code"));
        (await operatorClient.PostAsync($"/v1/admin/shippers/{key}/activate", null)).Dispose();
        await shipper.IntegrateOk();
    }

    [Fact]
    public async Task Layer1_an_expired_contract_is_403_contract_not_valid()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var key = ReferenceData.AdminRequests.Unique("expired");
        var contract = ReferenceData.AdminRequests.Contract(["mx"], ReferenceData.AdminRequests.ServiceLevel("mx-cdmx"));
        contract["validFrom"] = "2020-01-01T00:00:00Z";
        contract["validTo"] = "2021-01-01T00:00:00Z";
        using (var created = await operatorClient.CreateShipper(ReferenceData.AdminRequests.NewShipper(key, $"ops@{key}.mx", "a-long-password-1", contract)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var shipper = await api.LoginAs(new DemoUser(key, $"ops@{key}.mx", "a-long-password-1"));
        using var refused = await shipper.Integrate(new JsonObject());

        var body = await refused.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("CONTRACT_NOT_VALID", body.Error().Str("code"));
        Assert.Contains("2021-01-01", body.Error().Str("details"));
    }

    [Fact]
    public async Task Layer2_the_seeds_invalid_country_example_is_reproduced_exactly()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        order["recipientLocation"]!["country"] = "xx";

        using var response = await shipper.Integrate(order);

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID_PARAMETER", error.Str("code"));
        Assert.Equal("A value provided as parameter is not valid for the request.", error.Str("message"));
        Assert.Equal("Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'.", error.Str("details"));
        Assert.Equal("request.body", error.Str("location"));
        Assert.Equal("recipientLocation.country", error.Str("parameter"));
    }

    [Fact]
    public async Task Layer2_every_missing_block_is_reported_at_once()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.Integrate(new JsonObject());

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var errors = Errors(body);
        Assert.All(errors, e => Assert.Equal("MISSING_PARAMETER", e.Code));
        Assert.Equal(
            new[] { "expectedDeliveryDate", "packageInformation", "recipientInformation", "recipientLocation", "shipperDropoffDate" },
            errors.Select(e => e.Parameter).Order().ToArray());
    }

    [Fact]
    public async Task Layer2_malformed_fields_are_all_named_by_their_dotted_path()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        order["recipientLocation"]!["postalCode"] = "6700";
        order["recipientLocation"]!["street"] = "";
        order["recipientInformation"]!["phone"] = "12";
        order["recipientInformation"]!["email"] = "not-an-email";
        order["packageInformation"]!["weight"] = 0;
        order["packageInformation"]!["dimensions"]!["height"] = -3;
        order["packageInformation"]!["cartaPorte"]!["productKey"] = "5311";
        order["packageInformation"]!["cartaPorte"]!["hazardousMaterial"] = true;
        order["shipperDropoffDate"] = "2026-12-01T10:00:00";
        order["shipperTrackingId"] = "has spaces";

        using var response = await shipper.Integrate(order);

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var errors = Errors(body);
        Assert.Equal(new (string?, string?)[]
        {
            ("INVALID_PARAMETER", "packageInformation.cartaPorte.productKey"),
            ("INVALID_PARAMETER", "packageInformation.dimensions.height"),
            ("INVALID_PARAMETER", "packageInformation.weight"),
            ("INVALID_PARAMETER", "recipientInformation.email"),
            ("INVALID_PARAMETER", "recipientInformation.phone"),
            ("INVALID_PARAMETER", "recipientLocation.postalCode"),
            ("INVALID_PARAMETER", "shipperDropoffDate"),
            ("INVALID_PARAMETER", "shipperTrackingId"),
            ("MISSING_PARAMETER", "packageInformation.cartaPorte.hazardousMaterialKey"),
            ("MISSING_PARAMETER", "recipientLocation.street"),
        }, errors.OrderBy(e => e.Code).ThenBy(e => e.Parameter).ToArray());
        Assert.Contains("5 digits", body.GetProperty("errors").EnumerateArray().Single(e => e.Str("parameter") == "recipientLocation.postalCode").Str("details"));
    }

    [Fact]
    public async Task Layer2_a_wrong_json_type_is_400_naming_the_field()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        order["packageInformation"]!["weight"] = "heavy";

        using var response = await shipper.Integrate(order);

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("packageInformation.weight", body.Error().Str("parameter"));
        Assert.Equal("Value has the wrong type: expected number.", body.Error().Str("details"));
    }

    [Fact]
    public async Task Layer2_carta_porte_is_required_in_mexico_only()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var mexico = Orders.Valid();
        mexico["packageInformation"]!.AsObject().Remove("cartaPorte");
        var colombia = Orders.Valid(postalCode: "110111", country: "co", timeZone: "America/Bogota");
        colombia["packageInformation"]!.AsObject().Remove("cartaPorte");

        using var mx = await shipper.Integrate(mexico);
        using var co = await shipper.Integrate(colombia);

        var body = await mx.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(("MISSING_PARAMETER", "packageInformation.cartaPorte"), Assert.Single(Errors(body)));
        Assert.Equal(HttpStatusCode.Created, co.StatusCode);
    }

    [Fact]
    public async Task Layer3_the_seeds_coverage_failure_is_reproduced_exactly()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.Integrate(Orders.Valid(postalCode: "033002", country: "co", timeZone: "America/Bogota"));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("COVERAGE_FAILURE", error.Str("code"));
        Assert.Equal("Out of coverage.", error.Str("message"));
        Assert.Equal("There is no coverage for the given postalCode: 033002", error.Str("details"));
        Assert.Equal("request.body", error.Str("location"));
        Assert.Equal("recipientLocation.postalCode", error.Str("parameter"));
    }

    [Theory]
    [InlineData("mx", "17000")]
    [InlineData("mx", "99999")]
    [InlineData("co", "112000")]
    public async Task Layer3_postal_codes_outside_every_zone_are_not_covered(string country, string postalCode)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.Integrate(Orders.Valid(postalCode: postalCode, country: country));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal($"There is no coverage for the given postalCode: {postalCode}", body.Error().Str("details"));
    }

    [Fact]
    public async Task Layer4_dates_that_break_the_contract_are_all_reported()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        var sundayEvening = Orders.NextOperatingDay(hour: 19);
        while (sundayEvening.DayOfWeek != DayOfWeek.Sunday)
        {
            sundayEvening = sundayEvening.AddDays(1);
        }

        order["shipperDropoffDate"] = Orders.Iso(sundayEvening);
        order["expectedDeliveryDate"] = Orders.Iso(sundayEvening.AddDays(10));

        using var response = await shipper.Integrate(order);

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        var details = body.GetProperty("errors").EnumerateArray().Select(e => (e.Str("code"), e.Str("parameter"), e.Str("details"))).ToList();
        Assert.Equal(3, details.Count);
        Assert.All(details, d => Assert.Equal("SERVICE_LEVEL_FAILURE", d.Item1));
        Assert.Contains(details, d => d.Item2 == "shipperDropoffDate" && d.Item3!.Contains("Sunday", StringComparison.Ordinal));
        Assert.Contains(details, d => d.Item2 == "shipperDropoffDate" && d.Item3!.Contains("cut-off of 18:00", StringComparison.Ordinal));
        Assert.Contains(details, d => d.Item2 == "expectedDeliveryDate" && d.Item3!.Contains("10 day(s)", StringComparison.Ordinal) && d.Item3.Contains("1 to 7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Layer4_a_dropoff_in_the_past_and_a_delivery_before_dropoff_are_refused()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var past = Orders.Valid();
        past["shipperDropoffDate"] = Orders.Iso(DateTimeOffset.UtcNow.AddDays(-2));
        var reversed = Orders.Valid();
        reversed["expectedDeliveryDate"] = Orders.Iso(Orders.NextOperatingDay().AddHours(-1));

        using var pastResponse = await shipper.Integrate(past);
        using var reversedResponse = await shipper.Integrate(reversed);

        var pastBody = await pastResponse.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains(pastBody.GetProperty("errors").EnumerateArray(), e => e.Str("parameter") == "shipperDropoffDate" && e.Str("details")!.Contains("in the past", StringComparison.Ordinal));
        var reversedBody = await reversedResponse.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("expectedDeliveryDate", reversedBody.Error().Str("parameter"));
        Assert.Contains("must be after shipperDropoffDate", reversedBody.Error().Str("details"));
    }

    [Fact]
    public async Task Layer4_a_package_beyond_the_contract_limits_names_each_limit()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        order["packageInformation"]!["weight"] = 45;
        order["packageInformation"]!["dimensions"] = new JsonObject { ["length"] = 160, ["width"] = 100, ["height"] = 50 };
        order["packageInformation"]!["declaredValue"] = 250000;

        using var response = await shipper.Integrate(order);

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        var errors = Errors(body);
        Assert.All(errors, e => Assert.Equal("PACKAGE_LIMIT_EXCEEDED", e.Code));
        Assert.Equal(new[] { "packageInformation.declaredValue", "packageInformation.dimensions", "packageInformation.dimensions.length", "packageInformation.weight" },
            errors.Select(e => e.Parameter).Order().ToArray());
        Assert.Contains("45 kg exceeds the contract's maximum of 30 kg", body.GetProperty("errors").EnumerateArray().Single(e => e.Str("parameter") == "packageInformation.weight").Str("details"));
    }

    [Fact]
    public async Task Layer4_a_covered_country_outside_the_contract_is_refused()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.Integrate(Orders.Valid(postalCode: "01310-100", country: "br", timeZone: "America/Sao_Paulo"));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(("SERVICE_LEVEL_FAILURE", "recipientLocation.country"), Assert.Single(Errors(body)));
        Assert.Contains("allowed countries: mx, co", body.Error().Str("details"));
    }
}
