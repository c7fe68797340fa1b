using System.Net;
using System.Text.Json;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>GET /v1/coverage/{country}/{postalCode} over the demo zones of coverage.csv.</summary>
public sealed class CoverageLookupTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("mx", "06700", "06700", "mx-cdmx", "Mexico City", "America/Mexico_City", "servientrega-50461c9f3335")]
    [InlineData("mx", "01000", "01000", "mx-cdmx", "Mexico City", "America/Mexico_City", "servientrega-50461c9f3335")]
    [InlineData("mx", "16999", "16999", "mx-cdmx", "Mexico City", "America/Mexico_City", "servientrega-50461c9f3335")]
    [InlineData("mx", "44100", "44100", "mx-gdl", "Guadalajara", "America/Mexico_City", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("mx", "45999", "45999", "mx-gdl", "Guadalajara", "America/Mexico_City", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("mx", "64000", "64000", "mx-mty", "Monterrey", "America/Monterrey", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("mx", "67999", "67999", "mx-mty", "Monterrey", "America/Monterrey", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("co", "110111", "110111", "co-bog", "Bogota", "America/Bogota", "servientrega-50461c9f3335")]
    [InlineData("co", "111999", "111999", "co-bog", "Bogota", "America/Bogota", "servientrega-50461c9f3335")]
    [InlineData("br", "01310-100", "01310100", "br-sp", "Sao Paulo", "America/Sao_Paulo", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("br", "05999999", "05999999", "br-sp", "Sao Paulo", "America/Sao_Paulo", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("MX", "06700", "06700", "mx-cdmx", "Mexico City", "America/Mexico_City", "servientrega-50461c9f3335")]
    public async Task Every_demo_zone_covers_its_postal_codes_with_its_carrier(
        string country, string postalCode, string normalized, string zoneId, string name, string timeZone, string carrier)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.GetAsync($"/v1/coverage/{country}/{postalCode}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Body();
        Assert.Equal(new[] { "version", "status", "processId", "timestamp", "data" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("OK", body.Str("status"));
        var data = body.GetProperty("data");
        Assert.Equal(new[] { "country", "postalCode", "covered", "zone", "leadTimes" }, data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(country.ToLowerInvariant(), data.Str("country"));
        Assert.Equal(normalized, data.Str("postalCode"));
        Assert.True(data.GetProperty("covered").GetBoolean());
        var zone = data.GetProperty("zone");
        Assert.Equal(new[] { "id", "name", "timeZone", "distributionCenter", "carrierId" }, zone.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(zoneId, zone.Str("id"));
        Assert.Equal(name, zone.Str("name"));
        Assert.Equal(timeZone, zone.Str("timeZone"));
        Assert.Equal(carrier, zone.Str("carrierId"));
        Assert.False(string.IsNullOrEmpty(zone.Str("distributionCenter")));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("leadTimes").ValueKind); // staff have no contract
    }

    [Theory]
    [InlineData("co", "033002")]  // the seed document's example
    [InlineData("mx", "00999")]   // just below Mexico City
    [InlineData("mx", "17000")]   // just above it
    [InlineData("mx", "44099")]
    [InlineData("co", "112000")]
    [InlineData("br", "06000-000")]
    [InlineData("us", "10001")]   // no zone in the country at all
    public async Task Postal_codes_outside_every_zone_are_not_covered(string country, string postalCode)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        var data = await shipper.Coverage(country, postalCode);

        Assert.False(data.GetProperty("covered").GetBoolean());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("zone").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("leadTimes").ValueKind);
    }

    [Fact]
    public async Task A_shipper_sees_the_lead_times_of_its_contract()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        var data = await shipper.Coverage("mx", "06700");

        var lead = data.GetProperty("leadTimes");
        Assert.Equal(new[] { "minDays", "maxDays", "dropoffCutoffHour", "operatingDays" }, lead.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(1, lead.GetProperty("minDays").GetInt32());
        Assert.Equal(7, lead.GetProperty("maxDays").GetInt32());
        Assert.Equal(18, lead.GetProperty("dropoffCutoffHour").GetInt32());
        Assert.Equal(AdminRequests.MondayToSaturday, lead.GetProperty("operatingDays").EnumerateArray().Select(d => d.GetString()).ToArray());
    }

    [Theory]
    [InlineData("mx", "6700", "5 digits (e.g. 06700)")]
    [InlineData("mx", "06700-1", "5 digits (e.g. 06700)")]
    [InlineData("co", "11011", "6 digits (e.g. 110111)")]
    [InlineData("br", "0131-0100", "8 digits, optionally as 00000-000 (e.g. 01310-100)")]
    [InlineData("us", "1000A", "5 digits or ZIP+4 (e.g. 10001 or 10001-1234)")]
    public async Task A_postal_code_in_the_wrong_format_is_400_naming_the_expected_format(string country, string postalCode, string format)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.GetAsync($"/v1/coverage/{country}/{postalCode}");

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID_PARAMETER", error.Str("code"));
        Assert.Equal("request.path", error.Str("location"));
        Assert.Equal("postalCode", error.Str("parameter"));
        Assert.Equal($"'{postalCode}' is not a postal code of '{country}': expected {format}.", error.Str("details"));
    }

    [Fact]
    public async Task An_unknown_country_is_400_listing_the_permitted_ones()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.GetAsync("/v1/coverage/xx/06700");

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID_PARAMETER", error.Str("code"));
        Assert.Equal("Value is not a valid enumeration member; permitted: 'mx', 'co', 'us', 'br'.", error.Str("details"));
        Assert.Equal("request.path", error.Str("location"));
        Assert.Equal("country", error.Str("parameter"));
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        using var response = await api.CreateClient().GetAsync("/v1/coverage/mx/06700");

        await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
