using System.Net;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>/v1/admin/coverage-zones: operators manage zones; lookups see every change at once.</summary>
public sealed class CoverageZoneAdminTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("GET", "/v1/admin/coverage-zones")]
    [InlineData("GET", "/v1/admin/coverage-zones/mx-cdmx")]
    [InlineData("PUT", "/v1/admin/coverage-zones/mx-test")]
    [InlineData("DELETE", "/v1/admin/coverage-zones/mx-cdmx")]
    public async Task Only_operators_may_manage_zones(string method, string path)
    {
        foreach (var user in new[] { DemoUser.Shipper, DemoUser.Auditor })
        {
            var client = await api.LoginAs(user);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "PUT")
            {
                request.Content = AdminRequests.Body(AdminRequests.Zone("20000", "20099"));
            }

            using var forbidden = await client.SendAsync(request);
            await forbidden.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        using var anonymous = await api.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var cdmx = await operatorClient.GetAsync("/v1/admin/coverage-zones/mx-cdmx");
        Assert.Equal(HttpStatusCode.OK, cdmx.StatusCode); // nothing was changed by the refused calls
    }

    [Fact]
    public async Task The_list_holds_the_demo_zones_as_stored()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var response = await operatorClient.GetAsync("/v1/admin/coverage-zones");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zones = (await response.Body()).GetProperty("data").EnumerateArray().ToList();
        var ids = zones.Select(z => z.Str("id")).ToList();
        Assert.Subset(ids.ToHashSet(), new HashSet<string?> { "mx-cdmx", "mx-gdl", "mx-mty", "co-bog", "br-sp" });
        var sp = zones.Single(z => z.Str("id") == "br-sp");
        Assert.Equal(new[] { "id", "country", "name", "timeZone", "distributionCenter", "defaultCarrierId", "postalCodeRanges", "postalCodes", "cities", "area" },
            sp.EnumerateObject().Select(p => p.Name).ToArray());
        var range = Assert.Single(sp.GetProperty("postalCodeRanges").EnumerateArray());
        Assert.Equal("01000000", range.Str("from"));
        Assert.Equal("05999999", range.Str("to"));
    }

    [Fact]
    public async Task A_created_zone_is_covered_at_once_and_a_replacement_too()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var shipper = await api.LoginAs(DemoUser.Shipper);
        Assert.False((await shipper.Coverage("mx", "72500")).GetProperty("covered").GetBoolean()); // primes the lookup cache

        var zone = AdminRequests.Zone("72000", "72999", name: "Puebla");
        ((JsonArray)zone["postalCodes"]!).Add("73310");
        using var created = await operatorClient.PutZone("mx-pue", zone);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/admin/coverage-zones/mx-pue", created.Headers.Location?.ToString());
        var body = await created.Body();
        Assert.Equal("CREATED", body.Str("status"));
        Assert.Equal("mx-pue", body.GetProperty("data").Str("id"));
        var lookup = await shipper.Coverage("mx", "72500");
        Assert.True(lookup.GetProperty("covered").GetBoolean());
        Assert.Equal("mx-pue", lookup.GetProperty("zone").Str("id"));
        Assert.Equal("test-carrier", lookup.GetProperty("zone").Str("carrierId"));
        Assert.Equal("mx-pue", (await shipper.Coverage("mx", "73310")).GetProperty("zone").Str("id"));

        zone["postalCodeRanges"] = new JsonArray(new JsonObject { ["from"] = "72000", ["to"] = "72499" });
        zone["defaultCarrierId"] = "another-carrier";
        using var replaced = await operatorClient.PutZone("mx-pue", zone);

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.False((await shipper.Coverage("mx", "72500")).GetProperty("covered").GetBoolean());
        Assert.Equal("another-carrier", (await shipper.Coverage("mx", "72499")).GetProperty("zone").Str("carrierId"));
        using var stored = await operatorClient.GetAsync("/v1/admin/coverage-zones/mx-pue");
        Assert.Equal("72499", (await stored.Body()).GetProperty("data").GetProperty("postalCodeRanges")[0].Str("to"));
    }

    [Fact]
    public async Task The_places_a_zone_serves_without_a_postal_code_are_stored_and_checked()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var zone = AdminRequests.Zone("74000", "74099", name: "Puebla sur");
        zone["cities"] = new JsonArray("Puebla", "Cholula", "PUEBLA");
        zone["area"] = new JsonObject { ["south"] = 18.9, ["west"] = -98.3, ["north"] = 19.15, ["east"] = -98.1 };

        using (var created = await operatorClient.PutZone("mx-pue-sur", zone))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var data = (await created.Body()).GetProperty("data");
            Assert.Equal(new[] { "Puebla", "Cholula" }, data.GetProperty("cities").EnumerateArray().Select(c => c.GetString()).ToArray());
            Assert.Equal(19.15, data.GetProperty("area").GetProperty("north").GetDouble());
        }

        zone["area"] = new JsonObject { ["south"] = 19.2, ["west"] = -98.3, ["north"] = 19.15, ["east"] = 200 };
        zone["cities"] = new JsonArray("");
        using var invalid = await operatorClient.PutZone("mx-pue-sur", zone);
        var body = await invalid.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(new[] { "area.east", "area.north", "cities[0]" },
            body.GetProperty("errors").EnumerateArray().Select(e => e.Str("parameter")).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Codes_are_stored_in_canonical_form()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var zone = AdminRequests.Zone("20000-000", "20999-999", country: "br", name: "Rio de Janeiro", timeZone: "America/Sao_Paulo");
        ((JsonArray)zone["postalCodes"]!).Add("28000-000");

        using var response = await operatorClient.PutZone("br-rj", zone);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal("20000000", data.GetProperty("postalCodeRanges")[0].Str("from"));
        Assert.Equal("28000000", data.GetProperty("postalCodes")[0].GetString());
        Assert.Equal("br-rj", (await operatorClient.Coverage("br", "20040-020")).GetProperty("zone").Str("id"));
    }

    [Fact]
    public async Task A_zone_overlapping_another_is_409_naming_the_other_zone_and_range()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var zone = AdminRequests.Zone("43000", "44100", name: "Jalisco north");
        ((JsonArray)zone["postalCodes"]!).Add("06700");

        using var response = await operatorClient.PutZone("mx-jal", zone);

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("COVERAGE_OVERLAP", e.Str("code")));
        Assert.Equal("postalCodeRanges[0]", errors[0].Str("parameter"));
        Assert.Equal("postalCodeRanges[0] 43000-44100 overlaps zone 'mx-gdl' (Guadalajara) range 44100-45999; " +
                     "a postal code belongs to one zone only: shrink or delete the other zone first.", errors[0].Str("details"));
        Assert.Equal("postalCodes[0]", errors[1].Str("parameter"));
        Assert.Contains("zone 'mx-cdmx' (Mexico City) range 01000-16999", errors[1].Str("details"));

        using var notStored = await operatorClient.GetAsync("/v1/admin/coverage-zones/mx-jal");
        await notStored.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("mx-gdl", (await operatorClient.Coverage("mx", "44100")).GetProperty("zone").Str("id"));
    }

    [Fact]
    public async Task The_same_codes_in_another_country_do_not_overlap()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var response = await operatorClient.PutZone("us-nyc", AdminRequests.Zone("10000", "14999", country: "us", name: "New York", timeZone: "America/New_York"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("us-nyc", (await operatorClient.Coverage("us", "10001-1234")).GetProperty("zone").Str("id"));
        Assert.Equal("mx-cdmx", (await operatorClient.Coverage("mx", "10001")).GetProperty("zone").Str("id"));
    }

    [Fact]
    public async Task An_invalid_zone_is_400_with_every_field_error_at_once()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var zone = new JsonObject
        {
            ["country"] = "mx",
            ["name"] = "",
            ["timeZone"] = "Mars/Olympus_Mons",
            ["defaultCarrierId"] = "test-carrier",
            ["postalCodeRanges"] = new JsonArray(
                new JsonObject { ["from"] = "2000", ["to"] = "20999" },
                new JsonObject { ["from"] = "21999", ["to"] = "21000" },
                new JsonObject { ["from"] = "30000", ["to"] = "30999" },
                new JsonObject { ["from"] = "30500", ["to"] = "31999" }),
            ["postalCodes"] = new JsonArray("ABCDE"),
        };

        using var response = await operatorClient.PutZone("mx-bad", zone);

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var errors = AdminRequests.Errors(body);
        Assert.Equal(
            new (string?, string?)[]
            {
                ("MISSING_PARAMETER", "distributionCenter"),
                ("MISSING_PARAMETER", "name"),
                ("INVALID_PARAMETER", "postalCodeRanges[0].from"),
                ("INVALID_PARAMETER", "postalCodeRanges[1]"),
                ("INVALID_PARAMETER", "postalCodeRanges[3]"),
                ("INVALID_PARAMETER", "postalCodes[0]"),
                ("INVALID_PARAMETER", "timeZone"),
            },
            errors.OrderBy(e => e.Parameter, StringComparer.Ordinal).ToArray());
        var details = body.GetProperty("errors").EnumerateArray().ToDictionary(e => e.Str("parameter")!, e => e.Str("details"));
        Assert.Contains("'Mars/Olympus_Mons' is not an IANA time zone", details["timeZone"]);
        Assert.Equal("'2000' is not a postal code of 'mx': expected 5 digits (e.g. 06700).", details["postalCodeRanges[0].from"]);
        Assert.Equal("postalCodeRanges[1]: from 21999 is after to 21000.", details["postalCodeRanges[1]"]);
        Assert.Equal("postalCodeRanges[3] 30500-31999 overlaps postalCodeRanges[2] 30000-30999 of the same zone.", details["postalCodeRanges[3]"]);
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("request.body", e.Str("location")));

        using var notStored = await operatorClient.GetAsync("/v1/admin/coverage-zones/mx-bad");
        Assert.Equal(HttpStatusCode.NotFound, notStored.StatusCode);
    }

    [Fact]
    public async Task Country_zone_id_and_empty_bodies_are_checked()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var badCountry = await operatorClient.PutZone("xx-zone", AdminRequests.Zone("20000", "20099", country: "xx"));
        var country = Assert.Single(AdminRequests.Errors(await badCountry.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")));
        Assert.Equal(("INVALID_PARAMETER", "country"), country);

        using var badId = await operatorClient.PutZone("MX_Zone", AdminRequests.Zone("20000", "20099"));
        var id = (await badId.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal("zoneId", id.Str("parameter"));
        Assert.Equal("request.path", id.Str("location"));

        var windowsId = AdminRequests.Zone("20000", "20099", timeZone: "Central Standard Time (Mexico)");
        using var notIana = await operatorClient.PutZone("mx-win", windowsId);
        Assert.Equal(("INVALID_PARAMETER", "timeZone"), Assert.Single(AdminRequests.Errors(await notIana.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"))));

        var nothing = AdminRequests.Zone("20000", "20099");
        nothing["postalCodeRanges"] = new JsonArray();
        using var empty = await operatorClient.PutZone("mx-empty", nothing);
        Assert.Equal(("MISSING_PARAMETER", "postalCodeRanges"), Assert.Single(AdminRequests.Errors(await empty.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"))));

        using var noBody = await operatorClient.PutAsync("/v1/admin/coverage-zones/mx-nobody", new StringContent("null", System.Text.Encoding.UTF8, "application/json"));
        await noBody.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
    }

    [Fact]
    public async Task A_deleted_zone_no_longer_covers_and_a_zone_in_a_contract_cannot_be_deleted()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using (var created = await operatorClient.PutZone("mx-qro", AdminRequests.Zone("76000", "76999", name: "Querétaro")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.True((await operatorClient.Coverage("mx", "76000")).GetProperty("covered").GetBoolean());

        using var deleted = await operatorClient.DeleteAsync("/v1/admin/coverage-zones/mx-qro");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var data = (await deleted.Body()).GetProperty("data");
        Assert.Equal("mx-qro", data.Str("id"));
        Assert.True(data.GetProperty("deleted").GetBoolean());
        Assert.False((await operatorClient.Coverage("mx", "76000")).GetProperty("covered").GetBoolean());

        using var again = await operatorClient.DeleteAsync("/v1/admin/coverage-zones/mx-qro");
        Assert.Equal("zoneId", (await again.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("parameter"));

        using var inUse = await operatorClient.DeleteAsync("/v1/admin/coverage-zones/mx-cdmx");
        var error = (await inUse.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal("ZONE_IN_USE", error.Str("code"));
        Assert.Contains("'demo-shipper', 'other-shipper'", error.Str("details"));
        Assert.True((await operatorClient.Coverage("mx", "06700")).GetProperty("covered").GetBoolean());
    }
}
