using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>/v1/admin/shippers: organizations, their first user, contracts and suspensions.</summary>
public sealed class ShipperAdminTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Password = "a-long-secret-123";

    private async Task<(string Key, string Email)> NewShipper(HttpClient operatorClient, JsonObject? contract = null)
    {
        var key = AdminRequests.Unique("acme");
        var email = $"integrations@{key}.mx";
        using var response = await operatorClient.CreateShipper(AdminRequests.NewShipper(key, email, Password, contract));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (key, email);
    }

    [Theory]
    [InlineData("GET", "/v1/admin/shippers/demo-shipper")]
    [InlineData("POST", "/v1/admin/shippers")]
    [InlineData("PUT", "/v1/admin/shippers/demo-shipper/contract")]
    [InlineData("POST", "/v1/admin/shippers/demo-shipper/suspend")]
    [InlineData("POST", "/v1/admin/shippers/other-shipper/activate")]
    public async Task Only_operators_may_manage_shippers(string method, string path)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var forbidden = await shipper.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await forbidden.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");

        using var anonymous = await api.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var login = await api.Login(DemoUser.Shipper.OrganizationKey, DemoUser.Shipper.Email, DemoUser.Shipper.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode); // the refused suspend suspended nothing
    }

    [Fact]
    public async Task A_shipper_is_shown_with_its_users_and_demo_contract()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var response = await operatorClient.GetAsync("/v1/admin/shippers/demo-shipper");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal(new[] { "organization", "users", "contract" }, data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("demo-shipper", data.GetProperty("organization").Str("id"));
        Assert.Equal("SHIPPER", data.GetProperty("organization").Str("kind"));
        Assert.True(data.GetProperty("organization").GetProperty("active").GetBoolean());
        var user = Assert.Single(data.GetProperty("users").EnumerateArray());
        Assert.Equal(new[] { "email", "roles", "active" }, user.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("integrations@demo-shipper.mx", user.Str("email"));

        var contract = data.GetProperty("contract");
        Assert.Equal(new[] { "mx", "co" }, contract.GetProperty("allowedCountries").EnumerateArray().Select(c => c.GetString()).ToArray());
        Assert.Equal(new[] { "br-sp", "co-bog", "mx-cdmx", "mx-gdl", "mx-mty" },
            contract.GetProperty("serviceLevels").EnumerateArray().Select(l => l.Str("zoneId")).Order(StringComparer.Ordinal).ToArray());
        var limits = contract.GetProperty("packageLimits");
        Assert.Equal(30m, limits.GetProperty("maxWeightKg").GetDecimal());
        Assert.Equal(150m, limits.GetProperty("maxSideCm").GetDecimal());
        Assert.Equal(300m, limits.GetProperty("maxSumOfSidesCm").GetDecimal());
        Assert.Equal(100000m, limits.GetProperty("maxDeclaredValue").GetDecimal());
        Assert.Equal(DateTimeOffset.Parse("2024-01-01T00:00:00Z"), contract.GetProperty("validFrom").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2031-01-01T00:00:00Z"), contract.GetProperty("validTo").GetDateTimeOffset());

        using var other = await operatorClient.GetAsync("/v1/admin/shippers/other-shipper");
        Assert.Equal(new[] { "mx", "co", "br" },
            (await other.Body()).GetProperty("data").GetProperty("contract").GetProperty("allowedCountries").EnumerateArray().Select(c => c.GetString()).ToArray());
    }

    [Theory]
    [InlineData("cargamos")]     // Cargamos itself is not a shipper: it cannot be suspended from here
    [InlineData("no-such-shipper")]
    public async Task Only_shipper_organizations_are_found(string key)
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var get = await operatorClient.GetAsync($"/v1/admin/shippers/{key}");
        using var suspend = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null);

        Assert.Equal("key", (await get.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("parameter"));
        await suspend.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var login = await api.Login(DemoUser.Operator.OrganizationKey, DemoUser.Operator.Email, DemoUser.Operator.Password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task A_created_shipper_can_log_in_and_sees_its_lead_times()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var key = AdminRequests.Unique("acme");
        var email = $"Integrations@{key}.mx";

        using var created = await operatorClient.CreateShipper(AdminRequests.NewShipper(key, email, Password));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v1/admin/shippers/{key}", created.Headers.Location?.ToString());
        var raw = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Password, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("passwordHash", raw, StringComparison.OrdinalIgnoreCase);
        var data = (await created.Body()).GetProperty("data");
        Assert.Equal(key, data.GetProperty("organization").Str("id"));
        Assert.Equal(new[] { "shipper" }, data.GetProperty("users")[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray());

        var shipper = api.CreateClient();
        shipper.DefaultRequestHeaders.Authorization = new("Bearer", await ApiFactory.Login(shipper, key, email.ToLowerInvariant(), Password));
        var lead = (await shipper.Coverage("mx", "06700")).GetProperty("leadTimes");
        Assert.Equal(2, lead.GetProperty("minDays").GetInt32());
        Assert.Equal(4, lead.GetProperty("maxDays").GetInt32());
        Assert.Equal(14, lead.GetProperty("dropoffCutoffHour").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await shipper.Coverage("mx", "44100")).GetProperty("leadTimes").ValueKind); // no level in Guadalajara

        using var wrongPassword = await api.Login(key, email, "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
    }

    [Fact]
    public async Task A_taken_key_is_409_and_a_bad_new_shipper_is_400_with_every_error()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);

        using var taken = await operatorClient.CreateShipper(AdminRequests.NewShipper("demo-shipper", "someone@demo-shipper.mx", Password));
        var conflict = (await taken.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal("ALREADY_EXISTS", conflict.Str("code"));
        Assert.Equal("key", conflict.Str("parameter"));

        var bad = AdminRequests.NewShipper("A", "not-an-email", "short", AdminRequests.Contract(["xx"], AdminRequests.ServiceLevel("mx-cdmx", minDays: 3, maxDays: 1)));
        bad.Remove("name");
        using var invalid = await operatorClient.CreateShipper(bad);
        var errors = AdminRequests.Errors(await invalid.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"));
        Assert.Equal(
            new (string?, string?)[]
            {
                ("INVALID_PARAMETER", "contract.allowedCountries[0]"),
                ("INVALID_PARAMETER", "contract.serviceLevels[0].maxDays"),
                ("INVALID_PARAMETER", "key"),
                ("MISSING_PARAMETER", "name"),
                ("INVALID_PARAMETER", "user.email"),
                ("INVALID_PARAMETER", "user.password"),
            },
            errors.OrderBy(e => e.Parameter, StringComparer.Ordinal).ToArray());

        var unknownZone = AdminRequests.NewShipper(AdminRequests.Unique("acme"), "x@acme.mx", Password, AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-nowhere")));
        using var zone = await operatorClient.CreateShipper(unknownZone);
        Assert.Equal(("INVALID_PARAMETER", "contract.serviceLevels[0].zoneId"),
            Assert.Single(AdminRequests.Errors(await zone.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"))));
        using var notCreated = await operatorClient.GetAsync($"/v1/admin/shippers/{unknownZone["key"]}");
        Assert.Equal(HttpStatusCode.NotFound, notCreated.StatusCode);
    }

    [Fact]
    public async Task A_contract_update_reports_every_invalid_field_at_once()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var (key, _) = await NewShipper(operatorClient);
        var level = AdminRequests.ServiceLevel("mx-cdmx", minDays: -1, maxDays: 3, cutoff: 24);
        level["operatingDays"] = new JsonArray();
        var duplicate = AdminRequests.ServiceLevel("mx-cdmx");
        var contract = AdminRequests.Contract(["mx", "xx"], level, duplicate);
        contract["packageLimits"]!["maxWeightKg"] = 0;
        contract["packageLimits"]!.AsObject().Remove("maxDeclaredValue");
        contract["validTo"] = "2023-12-31T00:00:00Z";

        using var response = await operatorClient.PutContract(key, contract);

        var errors = AdminRequests.Errors(await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"));
        Assert.Equal(
            new (string?, string?)[]
            {
                ("INVALID_PARAMETER", "allowedCountries[1]"),
                ("MISSING_PARAMETER", "packageLimits.maxDeclaredValue"),
                ("INVALID_PARAMETER", "packageLimits.maxWeightKg"),
                ("INVALID_PARAMETER", "serviceLevels[0].dropoffCutoffHour"),
                ("INVALID_PARAMETER", "serviceLevels[0].minDays"),
                ("MISSING_PARAMETER", "serviceLevels[0].operatingDays"),
                ("INVALID_PARAMETER", "serviceLevels[1].zoneId"),
                ("INVALID_PARAMETER", "validTo"),
            },
            errors.OrderBy(e => e.Parameter, StringComparer.Ordinal).ToArray());

        using var unknownDay = await operatorClient.PutContract(key, AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx")).Also(c =>
            c["serviceLevels"]![0]!["operatingDays"] = new JsonArray("FUNDAY")));
        var day = (await unknownDay.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal("INVALID_PARAMETER", day.Str("code"));
        Assert.Equal("serviceLevels[0].operatingDays[0]", day.Str("parameter"));

        using var unknownZone = await operatorClient.PutContract(key, AdminRequests.Contract(["mx"], AdminRequests.ServiceLevel("mx-cdmx"), AdminRequests.ServiceLevel("mx-nowhere")));
        var zone = (await unknownZone.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal("serviceLevels[1].zoneId", zone.Str("parameter"));
        Assert.Equal("There is no coverage zone 'mx-nowhere' (GET /v1/admin/coverage-zones lists them).", zone.Str("details"));

        using var missingShipper = await operatorClient.PutContract("no-such-shipper", AdminRequests.Contract(["mx"]));
        await missingShipper.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_new_contract_applies_to_the_next_lookup()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var (key, email) = await NewShipper(operatorClient);
        var shipper = api.CreateClient();
        shipper.DefaultRequestHeaders.Authorization = new("Bearer", await ApiFactory.Login(shipper, key, email, Password));

        var level = AdminRequests.ServiceLevel("mx-gdl", minDays: 0, maxDays: 2, cutoff: 12);
        level["operatingDays"] = new JsonArray("FRIDAY", "MONDAY", "MONDAY");
        using var response = await operatorClient.PutContract(key, AdminRequests.Contract(["mx", "co"], level));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await response.Body()).GetProperty("data");
        Assert.Equal(key, stored.Str("shipperId"));
        var lead = (await shipper.Coverage("mx", "44100")).GetProperty("leadTimes");
        Assert.Equal(0, lead.GetProperty("minDays").GetInt32());
        Assert.Equal(12, lead.GetProperty("dropoffCutoffHour").GetInt32());
        Assert.Equal(new[] { "MONDAY", "FRIDAY" }, lead.GetProperty("operatingDays").EnumerateArray().Select(d => d.GetString()).ToArray());
        Assert.Equal(JsonValueKind.Null, (await shipper.Coverage("mx", "06700")).GetProperty("leadTimes").ValueKind);
    }

    [Fact]
    public async Task A_suspended_shipper_cannot_log_in_until_activated()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var (key, email) = await NewShipper(operatorClient);

        using var suspended = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.False((await suspended.Body()).GetProperty("data").GetProperty("organization").GetProperty("active").GetBoolean());
        using var again = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        using var refused = await api.Login(key, email, Password);
        var error = (await refused.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error();
        Assert.Equal("ACCOUNT_SUSPENDED", error.Str("code"));

        using var activated = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/activate", null);
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.True((await activated.Body()).GetProperty("data").GetProperty("organization").GetProperty("active").GetBoolean());

        using var restored = await api.Login(key, email, Password);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject value, Action<JsonObject> change)
    {
        change(value);
        return value;
    }
}
