using System.Net;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Api.Tests;

public sealed class ErrorEnvelopeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{\"type\": \"OTHER\", \"comment\": \"x\"", null)]
    [InlineData("{\"type\": \"OTHER\" \"comment\": \"x\"}", null)]
    [InlineData("not json at all", null)]
    [InlineData("{\"comment\": 42}", "comment")]
    [InlineData("{\"comment\": {\"nested\": true}}", "comment")]
    public async Task Malformed_json_and_wrong_types_are_400_invalid_parameter(string json, string? parameter)
    {
        var (id, _) = await api.Shipment();
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.PostAsync($"/v1/shipments/{id}/cancel", JsonBody(json));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal("A value provided as parameter is not valid for the request.", body.Error().Str("message"));
        Assert.Equal("request.body", body.Error().Str("location"));
        Assert.Equal(parameter, body.Error().Str("parameter"));
        await AssertNothingAppended(id);
    }

    [Fact]
    public async Task An_unknown_enum_value_lists_the_permitted_values()
    {
        var (id, _) = await api.Shipment();
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.PostAsync($"/v1/shipments/{id}/cancel", JsonBody("{\"type\": \"BECAUSE\"}"));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("type", body.Error().Str("parameter"));
        Assert.Equal("Value is not a valid enumeration member; permitted: 'ERROR_CREATE_SERVICE', 'END_CLIENT_CANCELED', 'NO_THERE_DELIVERY_MAN_ASSIGN', 'OTHER'.",
            body.Error().Str("details"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_415()
    {
        var (id, _) = await api.Shipment();
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.PostAsync($"/v1/shipments/{id}/cancel", new StringContent("type=OTHER", Encoding.UTF8, "text/plain"));

        var body = await response.AssertEnvelope(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal("Content-Type", body.Error().Str("parameter"));
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405_in_the_envelope()
    {
        var client = await api.LoginAs(DemoUser.Auditor);

        using var unknown = await client.GetAsync("/v1/no-such-thing");
        using var wrongMethod = await client.DeleteAsync($"/v1/shipments/{Guid.NewGuid()}/events");

        var notFound = await unknown.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Contains("/v1/no-such-thing", notFound.Error().Str("details"));
        await wrongMethod.AssertEnvelope(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task A_transition_the_table_forbids_is_409_and_records_nothing()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked]);
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.PostAsync($"/v1/shipments/{id}/cancel", JsonBody("{\"type\":\"END_CLIENT_CANCELED\"}"));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("INVALID_STATUS_TRANSITION", body.Error().Str("code"));
        Assert.Contains("from PICKED to CANCELED", body.Error().Str("details"));
        var events = (await (await shipper.GetAsync($"/v1/shipments/{id}/events")).Body()).GetProperty("data").GetProperty("events");
        Assert.Equal(4, events.GetArrayLength());
    }

    [Fact]
    public async Task A_cancel_is_recorded_once_and_a_stale_if_match_is_409()
    {
        var (id, trackingId) = await api.Shipment(statuses: [ShipmentStatus.Pending]);
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/v1/shipments/{trackingId}/cancel") { Content = JsonBody("{}") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        using var staleResponse = await shipper.SendAsync(stale);
        var conflict = await staleResponse.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("VERSION_CONFLICT", conflict.Error().Str("code"));

        using var current = new HttpRequestMessage(HttpMethod.Post, $"/v1/shipments/{trackingId}/cancel") { Content = JsonBody("{\"comment\":\"cliente desistió\"}") };
        current.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        using var ok = await shipper.SendAsync(current);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("\"3\"", ok.Headers.ETag!.Tag);

        using var again = await shipper.PostAsync($"/v1/shipments/{trackingId}/cancel", JsonBody("{}"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var events = (await (await shipper.GetAsync($"/v1/shipments/{id}/events")).Body()).GetProperty("data").GetProperty("events");
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAccepted", "ShipmentCanceled" }, events.EnumerateArray().Select(e => e.Str("type")).ToArray());
        Assert.Equal("END_CLIENT_CANCELED", events[2].GetProperty("data").Str("type"));
        Assert.Equal(ok.Headers.GetValues("X-Process-Id").Single(), events[2].Str("processId"));
    }

    [Fact]
    public async Task An_auditor_may_read_but_not_cancel()
    {
        var (id, _) = await api.Shipment();
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.PostAsync($"/v1/shipments/{id}/cancel", JsonBody("{}"));

        await response.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        await AssertNothingAppended(id);
    }

    private async Task AssertNothingAppended(Guid id)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var events = (await (await auditor.GetAsync($"/v1/shipments/{id}/events")).Body()).GetProperty("data").GetProperty("events");
        Assert.Equal(1, events.GetArrayLength());
    }
}

/// <summary>A read-model adapter that fails unexpectedly, to see what a client gets from a 500.</summary>
public sealed class FailingApiFactory : ApiFactory
{
    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddScoped<IShipmentFinder, ExplodingFinder>();

    private sealed class ExplodingFinder : IShipmentFinder
    {
        public Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct) => Explode<IReadOnlyList<ShipmentTracking>>();

        public Task<ShipmentTracking?> FindByTrackingId(string shipperId, string trackingId, CancellationToken ct) => Explode<ShipmentTracking?>();

        public Task<IReadOnlyList<ShipmentTracking>> FindTrackingByTrackingId(string trackingId, CancellationToken ct) => Explode<IReadOnlyList<ShipmentTracking>>();

        public Task<IReadOnlyList<ShipmentTracking>> List(ShipmentFilter filter, CancellationToken ct) => Explode<IReadOnlyList<ShipmentTracking>>();

        private static Task<T> Explode<T>() => throw new InvalidOperationException("secret connection detail: Host=10.0.0.7;Password=hunter2");
    }
}

public sealed class UnexpectedErrorTests(FailingApiFactory api) : IClassFixture<FailingApiFactory>
{
    [Fact]
    public async Task An_unexpected_exception_is_500_in_the_envelope_without_internals()
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);

        using var response = await auditor.GetAsync("/v1/shipments/CGM123/events");

        var body = await response.AssertEnvelope(HttpStatusCode.InternalServerError, "INTERNAL_SERVER_ERROR");
        var raw = body.GetRawText();
        Assert.DoesNotContain("hunter2", raw);
        Assert.DoesNotContain("InvalidOperationException", raw);
        Assert.DoesNotContain(" at ", raw);
        Assert.Contains(body.Str("processId")!, body.Error().Str("details"));
    }
}
