using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Vtex;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>A live token stops working at the next request once its user, organization or carrier loses its standing.</summary>
public sealed class StandingTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_deactivated_user_s_live_token_is_401_on_its_next_request()
    {
        var (key, shipper) = await api.NewShipper();
        using (var before = await shipper.GetAsync("/v1/shipments"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await Change<UserAccount>(UserAccount.IdFor(key, $"integrations@{key}.mx"), u => u with { Active = false });

        var body = await NextAnswer(shipper, "/v1/shipments", HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.StartsWith("The user of this token was deactivated or removed", body.Error().Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_shipper_s_live_token_is_403_on_every_endpoint_not_only_on_integration()
    {
        var (key, shipper) = await api.NewShipper();
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using (var suspend = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        foreach (var path in new[] { "/v1/shipments", "/v1/webhook", "/v1/integration-lots" })
        {
            var body = await NextAnswer(shipper, path, HttpStatusCode.Forbidden, "FORBIDDEN");
            Assert.Equal(("ACCOUNT_SUSPENDED", $"The shipper '{key}' is suspended; contact Cargamos."), (body.Error().Str("code"), body.Error().Str("details")));
        }

        using var activate = await operatorClient.PostAsync($"/v1/admin/shippers/{key}/activate", null);
        var until = DateTime.UtcNow.AddSeconds(2);
        HttpStatusCode status;
        do
        {
            using var again = await shipper.GetAsync("/v1/shipments");
            status = again.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < until);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_deactivated_carrier_s_live_token_is_401_and_works_again_when_it_is_reactivated()
    {
        var carrier = await api.AsCarrier(CarrierClient.BlueExpressKey);
        var serviceId = "CGM-NOT-THERE";
        using (var before = await carrier.Patch(CarrierClient.BlueExpress, serviceId, CarrierClient.Status("ASSIGNED")))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode); // authenticated; the service just does not exist
        }

        await Change<CarrierAccount>(CarrierClient.BlueExpress, c => c with { Active = false });
        try
        {
            var body = await NextPatch(carrier, serviceId, HttpStatusCode.Unauthorized);
            Assert.Equal($"The carrier '{CarrierClient.BlueExpress}' of this token is no longer active; its tokens are not accepted.", body.Error().Str("details"));
        }
        finally
        {
            await Change<CarrierAccount>(CarrierClient.BlueExpress, c => c with { Active = true });
        }

        await NextPatch(carrier, serviceId, HttpStatusCode.NotFound);
    }

    /// <summary>Changes a reference document as an operator's edit would (its change notified to every API process).</summary>
    private async Task Change<T>(string id, Func<T, T> change) where T : notnull
    {
        await using var session = api.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        var current = await session.LoadAsync<T>(id) ?? throw new InvalidOperationException($"No {typeof(T).Name} {id}");
        session.Store(change(current));
        await session.SaveChangesAsync();
    }

    /// <summary>The answer once the change reached this process's caches (at most about a second).</summary>
    private static async Task<System.Text.Json.JsonElement> NextAnswer(HttpClient client, string path, HttpStatusCode expected, string status)
    {
        var until = DateTime.UtcNow.AddSeconds(2);
        while (true)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == expected || DateTime.UtcNow > until)
            {
                return await response.AssertEnvelope(expected, status);
            }

            await Task.Delay(20);
        }
    }

    private static async Task<System.Text.Json.JsonElement> NextPatch(HttpClient carrier, string serviceId, HttpStatusCode expected)
    {
        var until = DateTime.UtcNow.AddSeconds(2);
        while (true)
        {
            using var response = await carrier.Patch(CarrierClient.BlueExpress, serviceId, CarrierClient.Status("ASSIGNED"));
            if (response.StatusCode == expected || DateTime.UtcNow > until)
            {
                Assert.Equal(expected, response.StatusCode);
                return await response.Body();
            }

            await Task.Delay(20);
        }
    }
}
