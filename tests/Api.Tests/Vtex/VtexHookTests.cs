using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Vtex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Api.Common;
using static Cargamos.Modular.Api.Tests.Vtex.CarrierClient;

namespace Cargamos.Modular.Api.Tests.Vtex;

public sealed class VtexHookTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    // The document's examples, with its missing commas restored.
    private const string PatchExample = """
        {"status":"PENDING","agent":{"id":"pedro1","name":"Pedro!","identification":"89082480","phone":"242424234","email":"pedro@gmailc.om","vehicle":"SCOOTER"},
         "trackingUrl":"https://localhost.com","totalDistanceTraveled":2,"rating":5,"shippingPrice":150000,"shippingEstimatedDate":"2022-04-27T20:25:45.067Z"}
        """;

    private const string NotesExample = """
        [{"type":"ERROR","note":"El paquete tarda en ser despachado","author":"Oscar Rojas"},{"type":"COMMENT","note":"El paquete fue recogido","author":"Oscar Rojas"}]
        """;

    private const string NotesOriginal = """
        [
          {
            "type": "ERROR"
            "note": "El paquete tarda en ser despachado",
            "author": "Oscar Rojas"
          }
        ]
        """;

    private const string EvidencesExample = """
        [{"type":"IMAGE","content":"https://parkers-images.bauersecure.com/wp-images/18727/courier-van-insurance-01.jpg","author":"Felipe Cardenas"},
         {"type":"TEXT","content":"El paquete fue entregado","author":"Felipe Cardenas"}]
        """;

    private const string LabelExample = """{"id":"AS23424ADASFG","url":"http://s3://mybucket-alpha/orc/2013-10-04-custdata/label-pickup.pdf","name":"Etiqueta de entrega","type":"PDF"}""";

    private const string CancelExample = """{"comment":"La direccion de entrega se cambio","type":"END_CLIENT_CANCELED"}""";

    private const string OnHoldExample = """{"comment":"La direccion de entrega se cambio","type":"END_CLIENT_PAUSE"}""";

    private async Task<(Guid Id, string ServiceId)> Service()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        return await shipper.IntegrateOk(); // CDMX: carrier Servientrega
    }

    private async Task<string[]> EventTypes(Guid id)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.GetAsync($"/v1/shipments/{id}/events");
        return (await response.Body()).GetProperty("data").GetProperty("events").EnumerateArray().Select(e => e.Str("type")!).ToArray();
    }

    private static async Task AssertAnswer(HttpResponseMessage response, string message, string sentJson)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(new[] { "message", "data" }, body!.Select(p => p.Key).ToArray());
        Assert.Equal(message, body!["message"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sentJson), body["data"]), $"echo differs: {body["data"]}");
    }

    [Fact]
    public async Task Token_answers_the_documents_shape_and_a_wrong_key_is_401()
    {
        var client = api.CreateClient();

        using var ok = await client.PostAsync("/token", CarrierClient.Json(new JsonObject { ["apiKey"] = ServientregaKey }));
        using var wrong = await client.PostAsync("/token", CarrierClient.Json(new JsonObject { ["apiKey"] = "nope" }));
        using var missing = await client.PostAsync("/token", CarrierClient.Json(new JsonObject()));

        var body = await ok.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(new[] { "message", "data" }, body!.Select(p => p.Key).ToArray());
        Assert.Equal("success", body!["message"]!.GetValue<string>());
        Assert.Equal(3, body["data"]!.GetValue<string>().Split('.').Length);
        await wrong.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("MISSING_PARAMETER", (await missing.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("code"));
    }

    [Fact]
    public async Task The_documents_update_example_is_accepted_and_echoed_with_a_bare_or_bearer_token()
    {
        var (id, serviceId) = await Service();
        var token = await api.Token(ServientregaKey);
        var bare = api.CreateClient();
        bare.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
        var bearer = api.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var first = await bare.PatchAsync($"/tracking/hook/{Servientrega}/{serviceId}", Raw(PatchExample));
        using var again = await bearer.PatchAsync($"/tracking/hook/{Servientrega}/{serviceId}", Raw(PatchExample));

        await AssertAnswer(first, "Service updated successfully", PatchExample);
        await AssertAnswer(again, "Service updated successfully", PatchExample);
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAccepted", "TrackingDetailsUpdated" }, await EventTypes(id));
    }

    [Fact]
    public async Task A_whole_life_through_the_hooks_is_recorded_in_order()
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        // blank fields come back as null, never omitted (VTEX convention)
        await AssertAnswer(await carrier.Patch(Servientrega, serviceId, Status("PENDING")), "Service updated successfully",
            """{"status":"PENDING","agent":null,"trackingUrl":null,"totalDistanceTraveled":null,"rating":null,"shippingPrice":null,"shippingEstimatedDate":null}""");
        var assign = """{"status":"ASSIGNED","agent":{"id":"pedro1","name":"Pedro","identification":null,"phone":null,"email":null,"vehicle":"BIKE"}}""";
        using (var response = await carrier.PatchAsync($"/tracking/hook/{Servientrega}/{serviceId}", Raw(assign)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        (await carrier.Patch(Servientrega, serviceId, Status("PICKED"))).Dispose();
        (await carrier.Patch(Servientrega, serviceId, new JsonObject { ["status"] = "ON_ROUTE", ["trackingUrl"] = "https://t.example/1", ["totalDistanceTraveled"] = 1200 })).Dispose();
        await AssertAnswer(await carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{serviceId}", Raw(NotesExample)), "Notes saved successfully", NotesExample);
        await AssertAnswer(await carrier.PostAsync($"/tracking/hook/evidences/{Servientrega}/{serviceId}", Raw(EvidencesExample)), "Evidences saved successfully", EvidencesExample);
        await AssertAnswer(await carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{serviceId}", Raw(LabelExample)), "Label saved successfully", LabelExample);
        (await carrier.Patch(Servientrega, serviceId, new JsonObject { ["status"] = "DELIVERED", ["rating"] = 5 })).Dispose();

        Assert.Equal(new[]
        {
            "ShipmentCreated", "ShipmentAccepted", "ShipmentAssigned", "ShipmentPicked", "ShipmentWentOnRoute", "TrackingDetailsUpdated",
            "NoteAdded", "EvidenceAdded", "LabelAdded", "ShipmentDelivered", "TrackingDetailsUpdated",
        }, await EventTypes(id));
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var state = (await (await auditor.GetAsync($"/v1/shipments/{id}/state")).Body()).GetProperty("data");
        Assert.Equal("DELIVERED", state.Str("status"));
        Assert.Equal("BIKE", state.GetProperty("agent").Str("vehicle"));
        Assert.Equal("CARRIER", (await (await auditor.GetAsync($"/v1/shipments/{id}/events")).Body()).GetProperty("data").GetProperty("events")[3].GetProperty("actor").Str("kind"));
    }

    [Fact]
    public async Task A_transition_the_table_forbids_is_409_and_records_nothing()
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        using var response = await carrier.Patch(Servientrega, serviceId, Status("DELIVERED"));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("INVALID_STATUS_TRANSITION", body.Error().Str("code"));
        Assert.Contains("from CREATED to DELIVERED", body.Error().Str("details"));
        Assert.Equal(new[] { "ShipmentCreated" }, await EventTypes(id));
    }

    [Theory]
    [InlineData("""{"status":"CANCELED"}""", "status")]
    [InlineData("""{"status":"LOST"}""", "status")]
    [InlineData("""{"rating":9}""", "rating")]
    [InlineData("""{"agent":{"name":"Sin id"}}""", "agent.id")]
    [InlineData("""{}""", "status")]
    public async Task Bad_updates_are_400_naming_the_field(string json, string parameter)
    {
        var (_, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        using var response = await carrier.PatchAsync($"/tracking/hook/{Servientrega}/{serviceId}", Raw(json));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(parameter, body.Error().Str("parameter"));
    }

    [Fact]
    public async Task The_documents_broken_notes_example_is_400_never_500()
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        using var response = await carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{serviceId}", Raw(NotesOriginal));

        Assert.Equal("INVALID_PARAMETER", (await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("code"));
        Assert.Equal(new[] { "ShipmentCreated" }, await EventTypes(id));
    }

    [Fact]
    public async Task Cancel_and_on_hold_answer_the_documents_messages()
    {
        var (canceled, cancelId) = await Service();
        var (held, holdId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        await AssertAnswer(await carrier.PostAsync($"/tracking/hook/cancel/{Servientrega}/{cancelId}", Raw(CancelExample)), "Service canceled successfully", CancelExample);
        await AssertAnswer(await carrier.PostAsync($"/tracking/hook/on-hold/{Servientrega}/{holdId}", Raw(OnHoldExample)), "Service on hold successfully", OnHoldExample);
        (await carrier.Patch(Servientrega, holdId, Status("PENDING"))).Dispose(); // a status update resumes the hold

        Assert.Equal(new[] { "ShipmentCreated", "ShipmentCanceled" }, await EventTypes(canceled));
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentPutOnHold", "ShipmentResumed", "ShipmentAccepted" }, await EventTypes(held));
    }

    [Fact]
    public async Task A_picked_parcel_cannot_be_canceled_by_the_carrier()
    {
        var (_, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);
        foreach (var status in new[] { "PENDING", "PICKED" })
        {
            (await carrier.Patch(Servientrega, serviceId, Status(status))).Dispose();
        }

        using var response = await carrier.PostAsync($"/tracking/hook/cancel/{Servientrega}/{serviceId}", Raw(CancelExample));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains("returned (RETURNED), not canceled", body.Error().Str("details"));
    }

    [Fact]
    public async Task A_carrier_acts_only_on_its_own_services()
    {
        var (_, serviceId) = await Service(); // Servientrega's
        var blue = await api.AsCarrier(BlueExpressKey);

        using var otherPath = await blue.Patch(Servientrega, serviceId, Status("PENDING"));
        using var ownPath = await blue.Patch(BlueExpress, serviceId, Status("PENDING"));

        Assert.Equal("CARRIER_MISMATCH", (await otherPath.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
        await ownPath.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Expired_forged_missing_and_shipper_tokens_are_401()
    {
        var (_, serviceId) = await Service();
        var carrierAccount = await api.Services.CreateScope().ServiceProvider.GetRequiredService<ICarrierDirectory>().Get(Servientrega, default);
        var expired = new CarrierTokenIssuer(api.Services.GetRequiredService<JwtSettings>(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)),
            api.Services.GetRequiredService<IConfiguration>()).Issue(carrierAccount!).Token;
        var valid = await api.Token(ServientregaKey);
        var forged = valid[..^4] + (valid[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var shipper = await api.LoginAs(DemoUser.Shipper);

        foreach (var token in new[] { expired, forged, shipper.DefaultRequestHeaders.Authorization!.ToString() })
        {
            var client = api.CreateClient();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", token);
            using var response = await client.Patch(Servientrega, serviceId, Status("PENDING"));
            await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        using var anonymous = await api.CreateClient().Patch(Servientrega, serviceId, Status("PENDING"));
        var body = await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Contains("POST /token", body.Error().Str("details"), StringComparison.Ordinal); // a carrier is told what a carrier does
        Assert.DoesNotContain("/v1/login", body.Error().Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_carry_the_current_protocols_message_and_request_id_and_an_unknown_service_its_TRP0005E()
    {
        var carrier = await api.AsCarrier(ServientregaKey);

        using var missing = await carrier.Patch(Servientrega, $"{Servientrega}&CGM-NOPE", Status("ASSIGNED"));
        using var anonymous = await api.CreateClient().Patch(Servientrega, "CGM-NOPE", Status("ASSIGNED"));

        var notFound = await missing.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(("exception", "TRP0005E", $"Service not found: '{Servientrega}&CGM-NOPE'"), (notFound.Str("type"), notFound.Str("code"), notFound.Str("message")));
        Assert.Equal((Servientrega, "CGM-NOPE"), (notFound.GetProperty("data").Str("carrierId"), notFound.GetProperty("data").Str("serviceId")));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", notFound.Str("date"));
        Assert.Equal(notFound.Str("processId"), notFound.Str("requestId"));
        Assert.Equal("NOT_FOUND", notFound.Error().Str("code")); // the detailed list stays
        var unauthorized = await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.False(unauthorized.TryGetProperty("code", out _));
        Assert.Equal(unauthorized.Error().Str("details"), unauthorized.Str("message"));
    }

    [Fact]
    public async Task What_routing_answers_before_a_hook_runs_has_the_protocols_shape_too()
    {
        // Routing answers a body that is not JSON (415) and a method the route lacks (405) with endpoints of its own; the
        // path still names a VTEX-facing route, so the answer carries message and requestId, and a 405 the route's values.
        var carrier = await api.AsCarrier(ServientregaKey);
        using var text = await carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/CGM-NOPE", new StringContent("a note", System.Text.Encoding.UTF8, "text/plain"));
        using var vtexText = await api.Vtex().PostAsync("/vtex/services", new StringContent("orderId=1", System.Text.Encoding.UTF8, "text/plain"));
        using var method = await carrier.DeleteAsync($"/tracking/hook/{Servientrega}/CGM-NOPE");
        using var unknown = await carrier.GetAsync("/tracking/hook/no/such/route/here");

        foreach (var answer in new[] { text, vtexText })
        {
            var body = await answer.AssertEnvelope(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
            Assert.Equal(body.Error().Str("details"), body.Str("message"));
            Assert.Equal(body.Str("processId"), body.Str("requestId"));
        }

        var notAllowed = await method.AssertEnvelope(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        Assert.Equal(notAllowed.Str("processId"), notAllowed.Str("requestId"));
        // A path no route has is no route of the protocol: the Cargamos envelope.
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var notFound = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["version", "status", "processId", "timestamp", "errors"], notFound.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Every_hook_route_accepts_the_serviceId_the_view_shows_carrierId_and_trackingId()
    {
        var (id, trackingId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);
        var viewId = $"{Servientrega}&{trackingId}";

        using (var status = await carrier.Patch(Servientrega, viewId, Status("ASSIGNED")))
        using (var notes = await carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{Uri.EscapeDataString(viewId)}", Raw(NotesExample)))
        using (var evidences = await carrier.PostAsync($"/tracking/hook/evidences/{Servientrega}/{Uri.EscapeDataString(viewId)}", Raw(EvidencesExample)))
        using (var label = await carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{Uri.EscapeDataString(viewId)}", Raw(LabelExample)))
        using (var hold = await carrier.PostAsync($"/tracking/hook/on-hold/{Servientrega}/{Uri.EscapeDataString(viewId)}", Raw(OnHoldExample)))
        using (var get = await carrier.GetAsync($"/tracking/hook/{Servientrega}/{Uri.EscapeDataString(viewId)}"))
        {
            Assert.Equal(
                new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK },
                new[] { status.StatusCode, notes.StatusCode, evidences.StatusCode, label.StatusCode, hold.StatusCode, get.StatusCode });
        }

        using (var cancel = await carrier.PostAsync($"/tracking/hook/cancel/{Servientrega}/{Uri.EscapeDataString(viewId)}", Raw(CancelExample)))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAssigned", "NoteAdded", "EvidenceAdded", "LabelAdded", "ShipmentPutOnHold", "ShipmentCanceled" },
            (await EventTypes(id)).Where(t => t != "ShipmentAccepted").ToArray());

        // Another carrier's prefix is not stripped: it is no id of this carrier's services.
        using var other = await carrier.Patch(Servientrega, $"{BlueExpress}&{trackingId}", Status("PICKED"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task A_different_label_under_an_existing_id_is_409_and_the_same_label_again_is_a_retry()
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);
        (await carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{serviceId}", Raw(LabelExample))).Dispose();

        using var again = await carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{serviceId}", Raw(LabelExample));
        using var other = await carrier.Hook("labels", Servientrega, serviceId,
            new JsonObject { ["id"] = "AS23424ADASFG", ["url"] = "https://labels.example/other.pdf", ["name"] = "Otra", ["type"] = "PDF" });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await other.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("DUPLICATE_LABEL", body.Error().Str("code"));
        Assert.Equal(new[] { "ShipmentCreated", "LabelAdded" }, await EventTypes(id));
    }

    [Theory]
    [InlineData("PDF", "javascript:alert(document.cookie)")]
    [InlineData("PDF", "data:application/pdf;base64,JVBERi0=")]
    [InlineData("ZPL", "file:///etc/passwd")]
    [InlineData("PDF", "ftp://labels.example/1.pdf")]
    public async Task A_linked_label_must_be_an_http_link(string type, string url)
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);

        using var response = await carrier.Hook("labels", Servientrega, serviceId,
            new JsonObject { ["id"] = "L1", ["url"] = url, ["name"] = "Etiqueta", ["type"] = type });

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(("INVALID_PARAMETER", "url"), (body.Error().Str("code"), body.Error().Str("parameter")));
        Assert.Equal(new[] { "ShipmentCreated" }, await EventTypes(id));
    }

    [Theory]
    [InlineData("BASE64")]
    [InlineData("TEXT")]
    public async Task An_inline_label_over_180_KB_is_413(string type)
    {
        var (id, serviceId) = await Service();
        var carrier = await api.AsCarrier(ServientregaKey);
        var content = type == "BASE64" ? Convert.ToBase64String(new byte[140 * 1024]) : new string('x', 181 * 1024);

        using var response = await carrier.Hook("labels", Servientrega, serviceId,
            new JsonObject { ["id"] = "L1", ["url"] = content, ["name"] = "Etiqueta", ["type"] = type });
        using var small = await carrier.Hook("labels", Servientrega, serviceId,
            new JsonObject { ["id"] = "L2", ["url"] = Convert.ToBase64String(new byte[1024]), ["name"] = "Etiqueta", ["type"] = "BASE64" });

        var body = await response.AssertEnvelope(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal("LABEL_TOO_LARGE", body.Error().Str("code"));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(new[] { "ShipmentCreated", "LabelAdded" }, await EventTypes(id));
    }
}
