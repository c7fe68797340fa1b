using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>The API as in Production: https only, and no private, loopback, link-local or metadata addresses (SSRF).</summary>
public sealed class ProductionUrlRulesFactory : WebhookApiFactory
{
    public ProductionUrlRulesFactory()
    {
        Settings["Webhooks:RequireHttps"] = "true";
        Settings["Webhooks:BlockPrivateNetworks"] = "true";
    }
}

public sealed class WebhookUrlPolicyTests(ProductionUrlRulesFactory api) : IClassFixture<ProductionUrlRulesFactory>
{
    [Theory]
    [InlineData("http://93.184.215.14/hooks", "https")]
    [InlineData("https://127.0.0.1/hooks", "loopback")]
    [InlineData("https://localhost:8443/hooks", "loopback")]
    [InlineData("https://10.1.2.3/hooks", "private")]
    [InlineData("https://192.168.0.10/hooks", "private")]
    [InlineData("https://172.31.255.1/hooks", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[::1]/hooks", "loopback")]
    [InlineData("https://[fd00:ec2::254]/hooks", "unique local")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks", "private")]
    [InlineData("https://100.100.100.200/hooks", "carrier-grade NAT")]
    public async Task Put_refuses_urls_that_reach_inside(string url, string why)
    {
        var (_, shipper) = await api.NewShipper();
        using var response = await shipper.PutWebhook(WebhookKit.Webhook(url, "CREATED"));
        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal("url", body.Error().Str("parameter"));
        Assert.Contains(why, body.Error().Str("details"));
    }

    [Fact]
    public async Task Put_accepts_a_public_https_address()
    {
        var (_, shipper) = await api.NewShipper();
        using var response = await shipper.PutWebhook(WebhookKit.Webhook("https://93.184.215.14/hooks", "CREATED"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_address_is_checked_again_when_connecting()
    {
        // A webhook whose host resolved to a public address at registration but points inside now (DNS rebinding).
        await using var receiver = await WebhookReceiver.StartAsync();
        var (key, shipper) = await api.NewShipper();
        await using (var session = api.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            var now = DateTimeOffset.UtcNow;
            session.Store(new WebhookSubscription(key, receiver.Url, [ShipmentStatus.Created], null, WebhookStatus.Active,
                WebhookSignature.NewSecret(), null, null, now, now));
            await session.SaveChangesAsync();
        }

        await shipper.Post("/v1/webhook/test", HttpStatusCode.Accepted);
        await WebhookKit.Until(async () => (await shipper.Deliveries()).Single().GetProperty("attempts").GetArrayLength() > 0, "an attempt");
        var attempt = (await shipper.Deliveries()).Single().GetProperty("attempts")[0];
        Assert.Contains("127.0.0.1, a loopback address", attempt.GetProperty("error").GetString());
        Assert.Empty(receiver.Requests);
    }
}
