using System.Net;
using System.Text.Json;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Api.Tests;

public sealed class ShipmentReplayTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_event_stream_comes_in_order_with_versions_actors_and_process_ids()
    {
        var (id, trackingId) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked]);
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.GetAsync($"/v1/shipments/{id}/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal(id.ToString(), data.Str("shipmentId"));
        Assert.Equal(trackingId, data.Str("trackingId"));
        var events = data.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAccepted", "ShipmentAssigned", "ShipmentPicked" }, events.Select(e => e.Str("type")).ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 4 }, events.Select(e => e.GetProperty("version").GetInt64()).ToArray());
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order().ToList(), sequences);
        Assert.Equal($"setup-create-{id}", events[0].Str("processId"));
        Assert.Equal("setup-Picked", events[3].Str("processId"));
        Assert.Equal("SHIPPER", events[0].GetProperty("actor").Str("kind"));
        Assert.Equal("CARRIER", events[3].GetProperty("actor").Str("kind"));
        Assert.Equal("06700", events[0].GetProperty("data").GetProperty("order").GetProperty("recipientLocation").Str("postalCode"));
        var timestamps = events.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
        Assert.Equal(timestamps.Order().ToList(), timestamps);
    }

    [Fact]
    public async Task A_tracking_id_finds_the_same_stream_as_the_shipment_id()
    {
        var (id, trackingId) = await api.Shipment(statuses: [ShipmentStatus.Pending]);
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var byTracking = await shipper.GetAsync($"/v1/shipments/{trackingId}/events");

        Assert.Equal(HttpStatusCode.OK, byTracking.StatusCode);
        Assert.Equal(id.ToString(), (await byTracking.Body()).GetProperty("data").Str("shipmentId"));
    }

    [Fact]
    public async Task State_as_of_a_version_replays_only_that_far()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.OnRoute]);
        var auditor = await api.LoginAs(DemoUser.Auditor);

        var states = new Dictionary<int, JsonElement>();
        foreach (var version in new[] { 1, 3, 5 })
        {
            using var response = await auditor.GetAsync($"/v1/shipments/{id}/state?version={version}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"\"{version}\"", response.Headers.ETag!.Tag);
            states[version] = (await response.Body()).GetProperty("data");
        }

        Assert.Equal("CREATED", states[1].Str("status"));
        Assert.Equal("ASSIGNED", states[3].Str("status"));
        Assert.Equal("ON_ROUTE", states[5].Str("status"));
        Assert.Equal(5, states[5].GetProperty("version").GetInt64());

        using var current = await auditor.GetAsync($"/v1/shipments/{id}/state");
        Assert.Equal("ON_ROUTE", (await current.Body()).GetProperty("data").Str("status"));
    }

    [Fact]
    public async Task State_as_of_a_time_replays_the_events_recorded_until_then()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending]);
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var recorded = (await (await auditor.GetAsync($"/v1/shipments/{id}/events")).Body()).GetProperty("data").GetProperty("events")[1]
            .GetProperty("timestamp").GetDateTimeOffset();
        await WaitUntilDatabaseClockPasses(recorded);
        await api.Apply(id, s => ShipmentDecisions.Cancel(s, CancelType.Other, "later", Scenarios.Carrier, DateTimeOffset.UtcNow), "later");

        var at = Uri.EscapeDataString(recorded.ToString("O"));
        using var then = await auditor.GetAsync($"/v1/shipments/{id}/state?at={at}");
        using var now = await auditor.GetAsync($"/v1/shipments/{id}/state");

        Assert.Equal(HttpStatusCode.OK, then.StatusCode);
        Assert.Equal("PENDING", (await then.Body()).GetProperty("data").Str("status"));
        Assert.Equal("CANCELED", (await now.Body()).GetProperty("data").Str("status"));
        var before = Uri.EscapeDataString(recorded.AddYears(-1).ToString("O"));
        using var beforeCreation = await auditor.GetAsync($"/v1/shipments/{id}/state?at={before}");
        await beforeCreation.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("version=abc", "version")]
    [InlineData("version=0", "version")]
    [InlineData("at=yesterday", "at")]
    public async Task Bad_replay_parameters_are_400_naming_the_parameter(string query, string parameter)
    {
        var (id, _) = await api.Shipment();
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.GetAsync($"/v1/shipments/{id}/state?{query}");

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal(parameter, body.Error().Str("parameter"));
    }

    [Fact]
    public async Task A_version_beyond_the_stream_is_404()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending]);
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.GetAsync($"/v1/shipments/{id}/state?version=9");

        var body = await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("VERSION_NOT_FOUND", body.Error().Str("code"));
    }

    [Fact]
    public async Task A_shipper_cannot_see_another_shippers_shipment_but_an_auditor_can()
    {
        var (id, trackingId) = await api.Shipment(shipperId: "other-shipper");
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var owner = await api.LoginAs(DemoUser.OtherShipper);
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var foreign = await shipper.GetAsync($"/v1/shipments/{id}/events");
        using var foreignByTracking = await shipper.GetAsync($"/v1/shipments/{trackingId}/state");
        using var own = await owner.GetAsync($"/v1/shipments/{id}/events");
        using var audited = await auditor.GetAsync($"/v1/shipments/{trackingId}/state");

        await foreign.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        await foreignByTracking.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audited.StatusCode);
    }

    private async Task WaitUntilDatabaseClockPasses(DateTimeOffset moment)
    {
        // Event timestamps come from the database clock; wait on it, not on a fixed sleep.
        await using var connection = new Npgsql.NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select clock_timestamp()", connection);
        while ((DateTime)(await command.ExecuteScalarAsync())! <= moment.UtcDateTime)
        {
            await Task.Delay(5);
        }
    }
}
