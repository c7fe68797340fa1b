using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Common.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Integration;

public sealed class DeliveryOrderTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_valid_order_becomes_a_shipment_answered_as_a_copy_plus_ids()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("ACME"));
        order["lotId"] = "wave-1";
        order["recipientLocation"]!["state"] = "  Ciudad de México  ";

        using var response = await shipper.Integrate(order);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Body();
        Assert.Equal(new[] { "version", "status", "processId", "timestamp", "data" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("CREATED", body.Str("status"));
        var data = body.GetProperty("data");
        Assert.Equal(
            new[] { "recipientLocation", "recipientInformation", "packageInformation", "shipperDropoffDate", "expectedDeliveryDate", "shipperTrackingId", "lotId", "trackingId", "shipmentId", "price" },
            data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(order["shipperTrackingId"]!.GetValue<string>(), data.Str("trackingId"));
        Assert.Equal("Ciudad de México", data.GetProperty("recipientLocation").Str("state"));
        Assert.Equal("06700", data.GetProperty("recipientLocation").Str("postalCode"));
        Assert.Equal(DateTimeOffset.Parse(order["shipperDropoffDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            data.GetProperty("shipperDropoffDate").GetDateTimeOffset());
        Assert.Equal("53111600", data.GetProperty("packageInformation").GetProperty("cartaPorte").Str("productKey"));
        var shipmentId = data.Str("shipmentId")!;
        Assert.Equal($"/v1/shipments/{shipmentId}", response.Headers.Location!.OriginalString);

        // readable at once, through the tracking read model and the event stream
        using var tracking = await shipper.GetAsync($"/v1/shipment-tracking/{data.Str("trackingId")}");
        Assert.Equal(HttpStatusCode.OK, tracking.StatusCode);
        Assert.Equal("CREATED", (await tracking.Body()).GetProperty("data").Str("status"));
        using var events = await shipper.GetAsync($"/v1/shipments/{shipmentId}/events");
        var created = (await events.Body()).GetProperty("data").GetProperty("events")[0];
        Assert.Equal("ShipmentCreated", created.Str("type"));
        Assert.Equal("servientrega-50461c9f3335", created.GetProperty("data").Str("carrierId"));
        Assert.Equal(response.Headers.GetValues("X-Process-Id").Single(), created.Str("processId"));
        Assert.True(created.GetProperty("data").GetProperty("integrationLotId").GetInt64() > 0);
    }

    [Fact]
    public async Task Without_a_shipper_tracking_id_a_barcode_friendly_one_is_generated()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        var (_, first) = await shipper.IntegrateOk();
        var (_, second) = await shipper.IntegrateOk();

        Assert.Matches(new Regex("^CGM[0-9A-HJKMNP-TV-Z]{10}$"), first);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("mx", "06700", "America/Mexico_City", "servientrega-50461c9f3335")]
    [InlineData("mx", "44100", "America/Mexico_City", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("mx", "64000", "America/Monterrey", "627eb3b93a19fdc0cf5fe087")]
    [InlineData("co", "110111", "America/Bogota", "servientrega-50461c9f3335")]
    public async Task The_carrier_is_the_default_carrier_of_the_zone(string country, string postalCode, string timeZone, string carrier)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        var (id, _) = await shipper.IntegrateOk(Orders.Valid(country: country, postalCode: postalCode, timeZone: timeZone));

        using var response = await shipper.GetAsync($"/v1/shipments/{id}");
        Assert.Equal(carrier, (await response.Body()).GetProperty("data").Str("carrierId"));
    }

    [Fact]
    public async Task A_repeated_shipper_tracking_id_is_409_already_exists_as_in_the_seed_but_another_shipper_may_use_it()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var other = await api.LoginAs(DemoUser.OtherShipper);
        var trackingId = Orders.Unique("DUP");
        await shipper.IntegrateOk(Orders.Valid(trackingId));

        using var again = await shipper.Integrate(Orders.Valid(trackingId));
        using var otherShipper = await other.Integrate(Orders.Valid(trackingId));

        var body = await again.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("ALREADY_EXISTS", error.Str("code"));
        Assert.Equal("The resource you tried to create already exists.", error.Str("message"));
        Assert.Matches(new Regex(@"^The shipment you are trying to create, already exists\. Integration lot id: \d+\. Time: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$"), error.Str("details"));
        Assert.Equal("request.body", error.Str("location"));
        Assert.Equal("shipperTrackingId", error.Str("parameter"));
        Assert.Equal(HttpStatusCode.Created, otherShipper.StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_orders_create_exactly_one_shipment()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("RACE"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => shipper.Integrate(order)));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("ALREADY_EXISTS", (await conflict.Body()).Error().Str("code"));
        }

        using var list = await shipper.GetAsync($"/v1/shipments?limit=200");
        var trackingIds = (await list.Body()).GetProperty("data").GetProperty("items").EnumerateArray().Select(i => i.Str("trackingId"));
        Assert.Single(trackingIds, t => t == order["shipperTrackingId"]!.GetValue<string>());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Simulate_runs_every_check_and_writes_nothing()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var trackingId = Orders.Unique("SIM");

        using var simulated = await shipper.Integrate(Orders.Valid(trackingId), "?simulate=true");
        using var refused = await shipper.Integrate(Orders.Valid(postalCode: "033002", country: "co"), "?simulate=true");

        Assert.Equal(HttpStatusCode.OK, simulated.StatusCode);
        var data = (await simulated.Body()).GetProperty("data");
        Assert.Equal(trackingId, data.Str("trackingId"));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("shipmentId").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var lookup = await shipper.GetAsync($"/v1/shipment-tracking/{trackingId}");
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        await shipper.IntegrateOk(Orders.Valid(trackingId)); // the simulation did not take the trackingId
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var key = Guid.NewGuid().ToString();
        var order = Orders.Valid();

        using var first = await Send(shipper, order, key);
        using var retry = await Send(shipper, order, key);
        using var otherBody = await Send(shipper, Orders.Valid(Orders.Unique()), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        var body = await otherBody.AssertEnvelope((HttpStatusCode)422, "UNPROCESSABLE_ENTITY");
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", body.Error().Str("code"));
    }

    [Fact]
    public async Task An_idempotency_key_also_replays_a_refusal()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var key = Guid.NewGuid().ToString();
        var order = Orders.Valid(postalCode: "033002", country: "co");

        using var first = await Send(shipper, order, key);
        using var retry = await Send(shipper, order, key);

        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retry_while_the_first_request_is_in_flight_is_409()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var key = Guid.NewGuid().ToString();
        using (var scope = api.Services.CreateScope())
        {
            var claim = await scope.ServiceProvider.GetRequiredService<IIdempotencyStore>().Claim("demo-shipper", key, "in-flight", default);
            Assert.Equal(IdempotencyClaimState.Claimed, claim.State);
        }

        using var response = await Send(shipper, Orders.Valid(), key);

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("IDEMPOTENCY_REQUEST_IN_PROGRESS", body.Error().Str("code"));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, JsonNode order, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/delivery-orders") { Content = Orders.Body(order) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
