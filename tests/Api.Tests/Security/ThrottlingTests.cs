using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>
/// The API with small limits (3 logins and 3 carrier tokens per address per minute, back-off after 2 failures, one
/// request at a time and no queue), and a test-only <c>/test/block</c> path that holds its request until released.
/// </summary>
public sealed class ThrottledApiFactory : ApiFactory
{
    public ThrottledApiFactory()
    {
        Settings["RateLimits:LoginPerMinute"] = "3";
        Settings["RateLimits:TokenPerMinute"] = "3";
        Settings["RateLimits:FreeFailures"] = "2";
        Settings["RateLimits:MaxConcurrentRequests"] = "1";
        Settings["RateLimits:RequestQueue"] = "0";
    }

    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter>(new BlockingPath(this));

    private sealed class BlockingPath(ThrottledApiFactory factory) : IStartupFilter
    {
        // After the API's own pipeline: reached by a path no endpoint answers, once the API's middleware let it through.
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use(async (context, continuation) =>
            {
                if (context.Request.Path == "/test/block")
                {
                    factory.Blocked.TrySetResult();
                    await factory.Release.Task;
                    context.Response.StatusCode = 200;
                    return;
                }

                await continuation(context);
            });
        };
    }
}

/// <summary>Rate limits on the credential endpoints, back-off after failures, and load shedding, each answered in the envelope with Retry-After.</summary>
public sealed class ThrottlingTests : IAsyncLifetime
{
    private readonly ThrottledApiFactory api = new();

    public Task InitializeAsync() => api.StartAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)api).DisposeAsync();

    [Fact]
    public async Task The_fourth_login_from_one_address_in_a_minute_is_429_with_retry_after()
    {
        using var rejections = api.Collect<long>("cargamos.rate_limit.rejections");
        for (var i = 0; i < 3; i++)
        {
            await api.LoginAs(DemoUser.Shipper);
        }

        using var fourth = await Login(DemoUser.Shipper.Password);

        var body = await fourth.AssertEnvelope(HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");
        Assert.Equal("TOO_MANY_REQUESTS", body.Error().Str("code"));
        Assert.InRange(fourth.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.StartsWith("Too many attempts from your address", body.Error().Str("details"), StringComparison.Ordinal);
        Assert.Equal(1, rejections.Sum(("policy", "login")));
        Assert.Equal(1, rejections.Sum());
    }

    [Fact]
    public async Task After_two_wrong_passwords_the_user_waits_even_with_the_right_one()
    {
        using var rejections = api.Collect<long>("cargamos.rate_limit.rejections");
        using (var first = await Login("wrong-1"))
        using (var second = await Login("wrong-2"))
        {
            await first.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            await second.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        using var right = await Login(DemoUser.Shipper.Password);

        var body = await right.AssertEnvelope(HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");
        Assert.Equal(TimeSpan.FromSeconds(1), right.Headers.RetryAfter!.Delta);
        Assert.StartsWith("Too many failed logins for this user", body.Error().Str("details"), StringComparison.Ordinal);
        Assert.Equal(1, rejections.Sum(("policy", "login_backoff")));
    }

    [Fact]
    public async Task The_fourth_carrier_token_from_one_address_in_a_minute_is_429()
    {
        using var rejections = api.Collect<long>("cargamos.rate_limit.rejections");
        var client = api.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.PostAsync("/token", CarrierClient.Json(new JsonObject { ["apiKey"] = CarrierClient.ServientregaKey }));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var fourth = await client.PostAsync("/token", CarrierClient.Json(new JsonObject { ["apiKey"] = CarrierClient.ServientregaKey }));

        await fourth.AssertEnvelope(HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");
        Assert.NotNull(fourth.Headers.RetryAfter?.Delta);
        Assert.Equal(1, rejections.Sum(("policy", "token")));
    }

    [Fact]
    public async Task After_two_failed_vtex_authentications_the_address_waits_before_any_secret_is_compared()
    {
        using var rejections = api.Collect<long>("cargamos.rate_limit.rejections");
        using (var wrong1 = await Vtex(VtexServices.AppKey, "wrong"))
        using (var wrong2 = await Vtex(VtexServices.AppKey, "wrong-again"))
        {
            await wrong1.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            await wrong2.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        using var right = await Vtex(VtexServices.AppKey, VtexServices.AppToken);

        var body = await right.AssertEnvelope(HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");
        Assert.Equal(TimeSpan.FromSeconds(1), right.Headers.RetryAfter!.Delta);
        Assert.Equal("X-VTEX-API-AppKey", body.Error().Str("parameter"));
        Assert.Equal(1, rejections.Sum(("policy", "vtex_backoff")));
    }

    [Fact]
    public async Task Beyond_the_concurrency_limit_a_request_is_shed_with_503_and_retry_after_and_health_still_answers()
    {
        using var rejections = api.Collect<long>("cargamos.rate_limit.rejections");
        var client = api.CreateClient();
        var holding = client.GetAsync("/test/block");
        await api.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            using var shed = await client.GetAsync("/v1/coverage/mx/06700");

            var body = await shed.AssertEnvelope(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
            Assert.Equal("SERVICE_UNAVAILABLE", body.Error().Str("code"));
            Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter!.Delta);
            using var health = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(1, rejections.Sum(("policy", "shedding")));
        }
        finally
        {
            api.Release.TrySetResult();
        }

        using var held = await holding;
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
    }

    private Task<HttpResponseMessage> Login(string password)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoUser.Shipper.Email}:{password}")));
        return client.GetAsync($"/v1/login?key={DemoUser.Shipper.OrganizationKey}");
    }

    private Task<HttpResponseMessage> Vtex(string appKey, string appToken)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppKey", appKey);
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppToken", appToken);
        return client.PostAsync("/vtex/services/cancel", CarrierClient.Json(new JsonObject { ["serviceId"] = "x", ["carrierId"] = "y" }));
    }
}
