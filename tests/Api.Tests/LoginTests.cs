using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests;

public sealed class LoginTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage LoginRequest(string key, string? user, string? password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/login?key={key}");
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return request;
    }

    [Fact]
    public async Task Valid_credentials_return_the_documented_token_envelope()
    {
        var client = api.CreateClient();
        using var response = await client.SendAsync(LoginRequest("demo-shipper", "integrations@demo-shipper.mx", "demo-shipper-pass"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Body();
        Assert.Equal(new[] { "version", "status", "timestamp", "data" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("1.0.0", body.Str("version"));
        Assert.Equal("OK", body.Str("status"));
        Assert.Equal("3600", body.GetProperty("data").Str("expiresIn"));
        var token = body.GetProperty("data").Str("token");
        Assert.Equal(3, token!.Split('.').Length);
    }

    [Theory]
    [InlineData("demo-shipper", "integrations@demo-shipper.mx", "wrong-pass")]
    [InlineData("demo-shipper", "nobody@demo-shipper.mx", "demo-shipper-pass")]
    [InlineData("no-such-org", "integrations@demo-shipper.mx", "demo-shipper-pass")]
    [InlineData("other-shipper", "integrations@demo-shipper.mx", "demo-shipper-pass")]
    public async Task A_wrong_key_user_or_password_gets_the_same_401(string key, string user, string password)
    {
        var client = api.CreateClient();
        using var response = await client.SendAsync(LoginRequest(key, user, password));

        var body = await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("UNAUTHORIZED", body.Error().Str("code"));
        Assert.Equal("The organization key, user or password is not valid.", body.Error().Str("details"));
    }

    [Fact]
    public async Task Missing_basic_credentials_get_401_in_the_envelope()
    {
        using var response = await api.CreateClient().SendAsync(LoginRequest("demo-shipper", null, null));

        var body = await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains("Basic", body.Error().Str("details"));
    }

    [Fact]
    public async Task The_token_opens_protected_endpoints_and_a_forged_one_does_not()
    {
        var client = await api.LoginAs(DemoUser.Auditor);
        using var ok = await client.GetAsync($"/v1/shipments/{Guid.NewGuid()}/events");
        Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode); // authenticated: the shipment simply does not exist

        var anonymous = api.CreateClient();
        using var none = await anonymous.GetAsync($"/v1/shipments/{Guid.NewGuid()}/events");
        await none.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var rejected = await anonymous.GetAsync($"/v1/shipments/{Guid.NewGuid()}/events");
        await rejected.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
