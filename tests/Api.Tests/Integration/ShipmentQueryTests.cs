using System.Net;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Api.Tests.Integration;

public sealed class ShipmentQueryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Tracking_shows_status_history_promised_date_and_last_update()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("TRK"));
        var (id, trackingId) = await shipper.IntegrateOk(order);
        await api.Apply(id, s => ShipmentDecisions.ReportStatus(s, new StatusReport(ShipmentStatus.Pending), Scenarios.Carrier, DateTimeOffset.UtcNow), "p1");
        await api.Apply(id, s => ShipmentDecisions.ReportStatus(s,
            new StatusReport(ShipmentStatus.Assigned, Details: new TrackingDetails(TrackingUrl: "https://track.example/1")), Scenarios.Carrier, DateTimeOffset.UtcNow), "p2");
        await api.Apply(id, s => ShipmentDecisions.AddEvidences([new ShipmentEvidence(EvidenceType.Image, "https://img/1.jpg", "Juan")], Scenarios.Carrier, DateTimeOffset.UtcNow), "p3");

        using var response = await shipper.GetAsync($"/v1/shipment-tracking/{trackingId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal("ASSIGNED", data.Str("status"));
        Assert.Equal(new[] { "CREATED", "PENDING", "ASSIGNED" }, data.GetProperty("statusHistory").EnumerateArray().Select(h => h.Str("status")).ToArray());
        Assert.Equal("https://track.example/1", data.Str("trackingUrl"));
        Assert.Equal(1, data.GetProperty("evidencesCount").GetInt32());
        Assert.Equal(DateTimeOffset.Parse(order["expectedDeliveryDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            data.GetProperty("promisedDate").GetDateTimeOffset());
        Assert.True(data.GetProperty("lastUpdate").GetDateTimeOffset() > data.GetProperty("createdAt").GetDateTimeOffset());

        using var byShipmentId = await shipper.GetAsync($"/v1/shipment-tracking/{id}");
        await byShipmentId.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND"); // the tracking endpoint takes trackingIds only
    }

    [Fact]
    public async Task A_trackingId_shaped_like_another_shippers_shipmentId_tracks_the_callers_own_shipment()
    {
        var (_, other) = await Cargamos.Modular.Api.Tests.Webhooks.WebhookKit.NewShipper(api);
        var (theirs, _) = await other.IntegrateOk();
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (mine, trackingId) = await shipper.IntegrateOk(Orders.Valid(theirs.ToString()));
        Assert.Equal(theirs.ToString(), trackingId);

        // The tracking endpoint reads trackingIds only: the other shipper's shipment with that id hides nothing.
        using var response = await shipper.GetAsync($"/v1/shipment-tracking/{trackingId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal(mine, data.GetProperty("shipmentId").GetGuid());
        Assert.Equal("CREATED", data.Str("status"));
    }

    [Fact]
    public async Task The_delivery_window_promised_at_creation_is_in_the_tracking_and_the_shipment()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("WIN"));
        var (id, trackingId) = await shipper.IntegrateOk(order);

        // The demo contract promises 1 to 7 days in mx-cdmx from the dropoff day (the zone's local date, as written).
        var dropoffDay = DateOnly.FromDateTime(DateTimeOffset.Parse(order["shipperDropoffDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).DateTime);
        var expected = (dropoffDay.AddDays(1).ToString("yyyy-MM-dd"), dropoffDay.AddDays(7).ToString("yyyy-MM-dd"));
        foreach (var path in new[] { $"/v1/shipment-tracking/{trackingId}", $"/v1/shipments/{id}" })
        {
            using var response = await shipper.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var window = (await response.Body()).GetProperty("data").GetProperty("deliveryWindow");
            Assert.Equal(expected, (window.Str("earliest"), window.Str("latest")));
        }

        // A shipment recorded before windows were: null, its promised date as before.
        var (_, older) = await api.Shipment();
        using var old = await shipper.GetAsync($"/v1/shipment-tracking/{older}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await old.Body()).GetProperty("data").GetProperty("deliveryWindow").ValueKind);
    }

    [Fact]
    public async Task A_shipment_is_found_and_canceled_by_either_id()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk();

        using var byId = await shipper.GetAsync($"/v1/shipments/{id}");
        using var byTracking = await shipper.GetAsync($"/v1/shipments/{trackingId}");
        Assert.Equal(trackingId, (await byId.Body()).GetProperty("data").Str("trackingId"));
        var fromTracking = (await byTracking.Body()).GetProperty("data");
        Assert.Equal(id.ToString(), fromTracking.Str("shipmentId"));
        Assert.Equal("06700", fromTracking.GetProperty("order").GetProperty("recipientLocation").Str("postalCode"));
        Assert.Equal("\"1\"", byTracking.Headers.ETag!.Tag);

        using var cancel = await shipper.PostAsync($"/v1/shipments/{trackingId}/cancel", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        using var after = await shipper.GetAsync($"/v1/shipments/{id}");
        Assert.Equal("CANCELED", (await after.Body()).GetProperty("data").Str("status"));

        var (second, _) = await shipper.IntegrateOk();
        using var cancelById = await shipper.PostAsync($"/v1/shipments/{second}/cancel", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, cancelById.StatusCode);
    }

    [Fact]
    public async Task Another_shippers_shipment_does_not_exist_for_you()
    {
        var owner = await api.LoginAs(DemoUser.OtherShipper);
        var stranger = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await owner.IntegrateOk(Orders.Valid(Orders.Unique("MINE")));

        foreach (var path in new[] { $"/v1/shipments/{id}", $"/v1/shipments/{trackingId}", $"/v1/shipment-tracking/{trackingId}", $"/v1/shipments/{id}/events" })
        {
            using var response = await stranger.GetAsync(path);
            await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        using var cancel = await stranger.PostAsync($"/v1/shipments/{id}/cancel", new StringContent("{}", Encoding.UTF8, "application/json"));
        await cancel.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var list = await stranger.GetAsync("/v1/shipments?limit=200");
        Assert.DoesNotContain((await list.Body()).GetProperty("data").GetProperty("items").EnumerateArray(), i => i.Str("shipmentId") == id.ToString());
    }

    [Fact]
    public async Task The_list_pages_newest_first_without_gaps_or_repeats()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var lot = Orders.Unique("LOT");
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var order = Orders.Valid();
            order["lotId"] = lot;
            created.Add((await shipper.IntegrateOk(order)).ShipmentId);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await shipper.GetAsync($"/v1/shipments?lotId={lot}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = (await response.Body()).GetProperty("data");
            seen.AddRange(data.GetProperty("items").EnumerateArray().Select(i => i.Str("shipmentId")!));
            cursor = data.Str("nextCursor");
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created.AsEnumerable().Reverse().Select(g => g.ToString()).ToArray(), seen.ToArray());
    }

    [Fact]
    public async Task The_list_filters_by_status_and_creation_time()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var lot = Orders.Unique("FLT");
        var order = Orders.Valid();
        order["lotId"] = lot;
        var (canceled, _) = await shipper.IntegrateOk(order);
        var (open, _) = await shipper.IntegrateOk(order);
        using (await shipper.PostAsync($"/v1/shipments/{canceled}/cancel", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
        }

        using var onlyCanceled = await shipper.GetAsync($"/v1/shipments?lotId={lot}&status=CANCELED");
        using var future = await shipper.GetAsync($"/v1/shipments?lotId={lot}&createdFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        using var badStatus = await shipper.GetAsync("/v1/shipments?status=LOST");
        using var badLimit = await shipper.GetAsync("/v1/shipments?limit=1000");

        Assert.Equal(new[] { canceled.ToString() }, (await onlyCanceled.Body()).GetProperty("data").GetProperty("items").EnumerateArray().Select(i => i.Str("shipmentId")).ToArray());
        Assert.Empty((await future.Body()).GetProperty("data").GetProperty("items").EnumerateArray());
        Assert.Equal("status", (await badStatus.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("parameter"));
        Assert.Equal("limit", (await badLimit.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("parameter"));
        Assert.NotEqual(open, canceled);
    }
}
