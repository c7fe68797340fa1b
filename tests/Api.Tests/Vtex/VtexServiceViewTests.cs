using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Vtex;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Cargamos.Modular.Application.Shipments.Contracts;
using static Cargamos.Modular.Api.Tests.Vtex.CarrierClient;

namespace Cargamos.Modular.Api.Tests.Vtex;

public sealed partial class VtexServiceViewTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Notes = """
        [{"type":"ERROR","note":"El paquete tarda en ser despachado","author":null},{"type":"COMMENT","note":"El paquete fue recogido","author":"Oscar Rojas"}]
        """;

    private const string Evidences = """
        [{"type":"IMAGE","content":"https://parkers-images.bauersecure.com/wp-images/18727/courier-van-insurance-01.jpg","author":"Felipe Cardenas"},
         {"type":"TEXT","content":"El paquete fue entregado","author":"Felipe Cardenas"}]
        """;

    private const string Label = """{"id":"AS23424ADASFG","url":"http://s3://mybucket-alpha/orc/2013-10-04-custdata/label-pickup.pdf","name":"Etiqueta de entrega","type":"PDF"}""";

    private const string TrackingUrl = "https://t.example/job/41903e23";

    [Fact]
    public async Task A_whole_life_shows_status_lists_and_one_timeline_entry_per_event()
    {
        var shipperTrackingId = Orders.Unique("ORD");
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk(Orders.Valid(shipperTrackingId)); // CDMX: Servientrega
        var carrier = await api.AsCarrier(ServientregaKey);

        await Ok(carrier.Patch(Servientrega, trackingId, Status("PENDING")));
        await Ok(carrier.Patch(Servientrega, trackingId, JsonNode.Parse("""{"status":"ASSIGNED","agent":{"id":"pedro1","name":"Pedro","vehicle":"BIKE"}}""")!));
        await Ok(carrier.Patch(Servientrega, trackingId, Status("PICKED")));
        await Ok(carrier.Patch(Servientrega, trackingId, new JsonObject
        {
            ["status"] = "ON_ROUTE", ["trackingUrl"] = TrackingUrl, ["totalDistanceTraveled"] = 1200, ["rating"] = 4.5,
        }));
        await Ok(carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{trackingId}", Raw(Notes)));
        await Ok(carrier.PostAsync($"/tracking/hook/evidences/{Servientrega}/{trackingId}", Raw(Evidences)));
        await Ok(carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{trackingId}", Raw(Label)));
        await Ok(carrier.Patch(Servientrega, trackingId, Status("DELIVERED")));

        using var response = await carrier.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(new[] { "message", "data" }, body!.Select(p => p.Key).ToArray());
        Assert.Equal("success", body!["message"]!.GetValue<string>());
        var data = body["data"]!.AsObject();
        Assert.Equal(VtexServices.WithRate(ExampleKeys("data").Append("tags")), Keys(data));
        Assert.Equal(id.ToString(), Text(data, "id"));
        Assert.Equal(shipperTrackingId, Text(data, "orderId"));
        Assert.Equal(Servientrega, Text(data, "carrierId"));
        Assert.Equal($"{Servientrega}&{trackingId}", Text(data, "serviceId"));
        Assert.Equal("Servientrega", Text(data, "carrierName"));
        Assert.Equal("demo-shipper", Text(data, "seller"));
        Assert.Equal("DELIVERED", Text(data, "status"));
        Assert.Equal("DELIVERY", Text(data, "type"));
        Assert.Equal(TrackingUrl, Text(data, "trackingUrl"));
        Assert.Empty(data["tags"]!.AsArray());
        foreach (var blank in new[] { "timezone", "carrierLogo", "comments", "paymentMethod", "carrierServiceType", "shippingPrice", "rate", "metaData" })
        {
            Assert.True(data[blank] is null, $"{blank} should be null: {data[blank]}");
        }

        // An order integrated through the Cargamos API is one package, as integrated (kg, cm).
        var package = data["packages"]!.AsArray().Single()!.AsObject();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""
            {"id":"{{trackingId}}","orderId":"{{shipperTrackingId}}","envelope":null,"dimensions":{"height":"12","length":"30","width":"20"},
             "weight":"1.5","totalValue":1200,"items":[],"categories":[],"description":"Caja con zapatos"}
            """), package), package.ToJsonString());
        Assert.Equal(ExampleKeys("data.packages[0]"), Keys(package));

        var timeline = data["timeline"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(new[]
        {
            "STATUS Service creation", "STATUS Service pending", "STATUS Assigned courier", "STATUS Courier picked the package",
            "STATUS Courier on route", "OTHER Tracking details updated", "NOTE A new note has been added", "EVIDENCE Added evidence",
            "LABEL A new label has been added", "STATUS The package was delivered",
        }, timeline.Select(e => $"{Text(e, "type")} {Text(e, "description")}").ToArray());
        Assert.Equal(await EventIds(id), timeline.Select(e => Guid.Parse(Text(e, "id")!)).ToArray());
        Assert.All(timeline, e => Assert.Equal(ExampleKeys("data.timeline[0]"), Keys(e)));
        Assert.All(timeline, e => Assert.Equal(Text(e, "date"), Text(e, "createdAt")));
        Assert.All(timeline, e => Assert.Equal(Text(e, "date"), Text(e, "updatedAt")));
        Assert.All(timeline, e => Assert.Matches(VtexDate(), Text(e, "date")!));
        var dates = timeline.Select(e => DateTimeOffset.Parse(Text(e, "date")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(dates.Order().ToList(), dates);
        Assert.All(timeline.Where(e => Text(e, "type") is "STATUS" or "OTHER"), e => Assert.Equal("System", Text(e, "author")));

        Assert.Null(timeline[0]["metaData"]);
        AssertJson("""{"rating":null,"totalDistanceTraveled":null,"trackingUrl":null,"status":"PENDING"}""", timeline[1]["metaData"]);
        AssertJson("""{"rating":null,"totalDistanceTraveled":null,"trackingUrl":null,"status":"ASSIGNED"}""", timeline[2]["metaData"]);
        // the details sent with ON_ROUTE in the same PATCH show on its status entry, and as the change they were
        AssertJson($$"""{"rating":4.5,"totalDistanceTraveled":1200,"trackingUrl":"{{TrackingUrl}}","status":"ON_ROUTE"}""", timeline[4]["metaData"]);
        AssertJson($$"""{"rating":4.5,"totalDistanceTraveled":1200,"trackingUrl":"{{TrackingUrl}}"}""", timeline[5]["metaData"]);
        AssertJson("""
            {"0":{"type":"ERROR","note":"El paquete tarda en ser despachado","author":null},
             "1":{"type":"COMMENT","note":"El paquete fue recogido","author":"Oscar Rojas"}}
            """, timeline[6]["metaData"]);
        Assert.Equal("Oscar Rojas", Text(timeline[6], "author")); // the first author given
        AssertJson("""
            {"0":{"type":"IMAGE","content":"https://parkers-images.bauersecure.com/wp-images/18727/courier-van-insurance-01.jpg","author":"Felipe Cardenas"},
             "1":{"type":"TEXT","content":"El paquete fue entregado","author":"Felipe Cardenas"}}
            """, timeline[7]["metaData"]);
        Assert.Equal("Felipe Cardenas", Text(timeline[7], "author"));
        AssertJson(Label, timeline[8]["metaData"]);
        Assert.Equal(new[] { "id", "url", "name", "type" }, Keys(timeline[8]["metaData"]!.AsObject()));
        Assert.All(timeline.Where(e => Text(e, "type") == "STATUS").Skip(1),
            e => Assert.Equal(ExampleKeys("data.timeline[0].metaData"), Keys(e["metaData"]!.AsObject())));
        Assert.Equal("Servientrega", Text(timeline[8], "author"));
        AssertJson($$"""{"rating":4.5,"totalDistanceTraveled":1200,"trackingUrl":"{{TrackingUrl}}","status":"DELIVERED"}""", timeline[9]["metaData"]);

        Assert.Equal(Text(timeline[9], "date"), Text(data, "shippingFinishedDate"));
        Assert.Matches(VtexDate(), Text(data, "shippingEstimatedDate")!);

        var notes = data["notes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(new[] { "ERROR El paquete tarda en ser despachado", "COMMENT El paquete fue recogido" },
            notes.Select(n => $"{Text(n, "type")} {Text(n, "content")}").ToArray());
        Assert.All(notes, n => Assert.Equal(ExampleKeys("data.notes[0]"), Keys(n)));
        Assert.All(notes, n => Assert.Equal(Text(timeline[6], "date"), Text(n, "date")));
        Assert.Null(notes[0]["author"]);

        var evidences = data["evidences"]!.AsArray().Select(v => v!.AsObject()).ToList();
        Assert.Equal(new[] { "IMAGE", "TEXT" }, evidences.Select(v => Text(v, "type")).ToArray());
        Assert.All(evidences, v => Assert.Equal(ExampleKeys("data.evidences[0]"), Keys(v)));
        Assert.All(evidences, v => Assert.Equal(Text(timeline[7], "date"), Text(v, "date")));
        AssertJson($"[{Label}]", data["labels"]);
    }

    [Theory]
    [InlineData("on-hold", """{"comment":"La direccion de entrega se cambio","type":"END_CLIENT_PAUSE"}""", "ON_HOLD", "END_CLIENT_PAUSE")]
    [InlineData("cancel", """{"comment":"El cliente ya no lo quiere","type":"END_CLIENT_CANCELED"}""", "CANCELED", "END_CLIENT_CANCELED")]
    public async Task A_cancel_or_hold_shows_its_reason_in_its_status_entry(string hook, string body, string status, string type)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk();
        var carrier = await api.AsCarrier(ServientregaKey);
        using (var response = await carrier.PostAsync($"/tracking/hook/{hook}/{Servientrega}/{trackingId}", Raw(body)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var view = await View(carrier, Servientrega, trackingId);

        var entry = view["timeline"]!.AsArray().Last()!;
        Assert.Equal("STATUS", Text(entry, "type"));
        var metaData = entry["metaData"]!.AsObject();
        Assert.Equal((status, type, JsonNode.Parse(body)!["comment"]!.GetValue<string>()),
            (Text(metaData, "status"), Text(metaData, "type"), Text(metaData, "comment")));
    }

    [Fact]
    public async Task The_service_is_found_by_tracking_id_shipment_id_or_its_own_service_id()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk();
        var carrier = await api.AsCarrier(ServientregaKey);

        var answers = new List<string>();
        foreach (var serviceId in new[] { trackingId, id.ToString(), $"{Servientrega}&{trackingId}" })
        {
            using var response = await carrier.GetAsync($"/tracking/hook/{Servientrega}/{serviceId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Single(answers.Distinct());
        var data = JsonNode.Parse(answers[0])!["data"]!;
        Assert.Equal("CREATED", Text(data, "status"));
        Assert.Equal(trackingId, Text(data, "orderId")); // no shipperTrackingId: our trackingId
        Assert.Equal(new[] { "STATUS Service creation" },
            data["timeline"]!.AsArray().Select(e => $"{Text(e!, "type")} {Text(e!, "description")}").ToArray());
        Assert.Null(data["shippingFinishedDate"]);
    }

    [Fact]
    public async Task A_vtex_service_shows_every_key_of_the_documents_example_and_its_request_verbatim()
    {
        var service = ServiceRequest(BlueExpress);
        using (var created = await Vtex().PostAsync("/vtex/services", CarrierClient.Json(service)))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            service["serviceId"] = (await created.Content.ReadFromJsonAsync<JsonObject>())!["serviceId"]!.GetValue<string>();
        }

        var serviceId = service["serviceId"]!.GetValue<string>();
        var carrier = await api.AsCarrier(BlueExpressKey);
        await Ok(carrier.Patch(BlueExpress, serviceId, new JsonObject { ["status"] = "PICKED", ["trackingUrl"] = TrackingUrl, ["rating"] = 5 }));
        await Ok(carrier.PostAsync($"/tracking/hook/evidences/{BlueExpress}/{serviceId}", Raw(Evidences)));
        await Ok(carrier.PostAsync($"/tracking/hook/notes/{BlueExpress}/{serviceId}", Raw(Notes)));
        await Ok(carrier.Patch(BlueExpress, serviceId, Status("DELIVERED")));

        using var response = await carrier.GetAsync($"/tracking/hook/{BlueExpress}/{serviceId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsObject();
        // The example omits tags, which the schema requires ([String]!): we always send it.
        Assert.Equal(VtexServices.WithRate(ExampleKeys("data").Append("tags")), Keys(data));
        foreach (var path in new[] { "packages[0]", "packages[0].dimensions", "packages[0].items[0]", "timeline[0]", "evidences[0]", "notes[0]", "timezone" })
        {
            Assert.Equal(ExampleKeys("data." + path), Keys(Node(data, path).AsObject()));
        }

        // metaData keys in the example's order too (jsonb reorders stored objects; the view restores the written order)
        var timeline = data["timeline"]!.AsArray();
        Assert.Equal(ExampleKeys("data.timeline[0].metaData"), Keys(timeline[2]!["metaData"]!.AsObject())); // STATUS
        Assert.Equal(ExampleKeys("data.timeline[1].metaData.0"), Keys(timeline[4]!["metaData"]!["0"]!.AsObject())); // EVIDENCE
        Assert.Equal(ExampleKeys("data.timeline[4].metaData.0"), Keys(timeline[5]!["metaData"]!["1"]!.AsObject())); // NOTE
        Assert.Equal(new[] { "0", "1" }, Keys(timeline[5]!["metaData"]!.AsObject()));
        Assert.Equal(new[] { "rating", "trackingUrl" }, Keys(timeline[3]!["metaData"]!.AsObject())); // OTHER: what changed

        Assert.Equal(service["orderId"]!.GetValue<string>(), Text(data, "orderId"));
        Assert.Equal($"{BlueExpress}&{serviceId}", Text(data, "serviceId"));
        Assert.Equal("Blue Express", Text(data, "carrierName"));
        Assert.Equal("qaolimpica", Text(data, "seller"));
        Assert.Equal("PICKUP_DELIVERY", Text(data, "type"));
        Assert.Equal("OTHERS", Text(data, "carrierServiceType"));
        Assert.Equal("CASH_ON_DELIVERY", Text(data, "paymentMethod"));
        Assert.Equal(service["comments"]!.GetValue<string>(), Text(data, "comments"));
        AssertJson("""{"offset":300,"value":"America/Bogota","label":null}""", data["timezone"]);
        AssertJson(service["packages"]!.ToJsonString(), data["packages"]);
        Assert.Equal("DELIVERED", Text(data, "status"));
        Assert.Equal(new[] { "Service creation", "Service pending", "Courier picked the package", "Tracking details updated", "Added evidence",
            "A new note has been added", "The package was delivered" }, data["timeline"]!.AsArray().Select(e => Text(e!, "description")).ToArray());
        AssertJson($$"""{"rating":5,"totalDistanceTraveled":null,"trackingUrl":"{{TrackingUrl}}","status":"DELIVERED"}""", data["timeline"]![6]!["metaData"]);
        foreach (var blank in new[] { "carrierLogo", "shippingPrice", "rate", "metaData" })
        {
            Assert.True(data[blank] is null, $"{blank} should be null: {data[blank]}");
        }
    }

    [Fact]
    public async Task Hold_resume_and_cancel_follow_the_shipment_and_end_the_service()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk();
        var carrier = await api.AsCarrier(ServientregaKey);
        var auditor = await api.LoginAs(DemoUser.Auditor);

        var steps = new (Func<Task<HttpResponseMessage>> Send, string Status)[]
        {
            (() => carrier.Patch(Servientrega, trackingId, Status("ASSIGNED")), "ASSIGNED"),
            (() => carrier.Hook("on-hold", Servientrega, trackingId, new JsonObject { ["type"] = "END_CLIENT_PAUSE", ["comment"] = "Nadie en casa" }), "ON_HOLD"),
            (() => carrier.Patch(Servientrega, trackingId, Status("ASSIGNED")), "ASSIGNED"), // resumes the hold
            (() => carrier.Hook("on-hold", Servientrega, trackingId, new JsonObject { ["type"] = "OTHER" }), "ON_HOLD"),
            (() => carrier.Patch(Servientrega, trackingId, Status("INCIDENT")), "INCIDENT"), // resume, then the incident
            (() => carrier.Hook("cancel", Servientrega, trackingId, new JsonObject { ["type"] = "END_CLIENT_CANCELED" }), "CANCELED"),
        };
        foreach (var (send, status) in steps)
        {
            await Ok(send());
            var view = await View(carrier, Servientrega, trackingId);
            Assert.Equal(status, Text(view, "status"));
            using var tracking = await auditor.GetAsync($"/v1/shipments/{id}");
            Assert.Equal(status, (await tracking.Body()).GetProperty("data").Str("status"));
        }

        var data = await View(carrier, Servientrega, trackingId);
        var statuses = data["timeline"]!.AsArray()
            .Select(e => $"{Text(e!, "description")}: {(e!["metaData"] is { } m ? Text(m, "status") : "-")}").ToArray();
        Assert.Equal(new[]
        {
            "Service creation: -", "Assigned courier: ASSIGNED", "Service on hold: ON_HOLD", "Service resumed: ASSIGNED", "Service on hold: ON_HOLD",
            "Service resumed: ASSIGNED", "Incident reported: INCIDENT", "Service canceled: CANCELED",
        }, statuses);
        var timeline = data["timeline"]!.AsArray();
        Assert.Equal(Text(timeline[timeline.Count - 1]!, "date"), Text(data, "shippingFinishedDate"));
    }

    [Fact]
    public async Task Another_carrier_gets_403_on_this_path_and_404_on_its_own_anonymous_and_shipper_tokens_get_401()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(); // Servientrega's
        var blue = await api.AsCarrier(BlueExpressKey);
        var servientrega = await api.AsCarrier(ServientregaKey);

        using var otherPath = await blue.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}");
        using var ownPath = await blue.GetAsync($"/tracking/hook/{BlueExpress}/{trackingId}");
        using var unknown = await servientrega.GetAsync($"/tracking/hook/{Servientrega}/CGM0000000000");
        using var anonymous = await api.CreateClient().GetAsync($"/tracking/hook/{Servientrega}/{trackingId}");
        var withShipperToken = api.CreateClient();
        withShipperToken.DefaultRequestHeaders.Authorization = shipper.DefaultRequestHeaders.Authorization;
        using var shipperToken = await withShipperToken.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}");
        var bare = api.CreateClient();
        bare.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", shipper.DefaultRequestHeaders.Authorization!.Parameter);
        using var bareShipperToken = await bare.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}");

        Assert.Equal("CARRIER_MISMATCH", (await otherPath.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
        Assert.Equal("NOT_FOUND", (await ownPath.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("code"));
        await unknown.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await shipperToken.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await bareShipperToken.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Rebuilding_from_the_events_gives_the_live_documents_again()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk(Orders.Valid(Orders.Unique("ORD")));
        var carrier = await api.AsCarrier(ServientregaKey);
        await Ok(carrier.Patch(Servientrega, trackingId, Status("PENDING")));
        await Ok(carrier.Hook("on-hold", Servientrega, trackingId, new JsonObject { ["type"] = "OTHER" }));
        await Ok(carrier.Patch(Servientrega, trackingId, JsonNode.Parse("""{"status":"ASSIGNED","agent":{"id":"a1","name":"Ana","vehicle":"VAN"}}""")!));
        await Ok(carrier.Patch(Servientrega, trackingId, JsonNode.Parse("""{"agent":{"id":"b2","name":"Beto","vehicle":"CAR"},"shippingPrice":99.5}""")!));
        await Ok(carrier.Patch(Servientrega, trackingId, new JsonObject { ["status"] = "PICKED", ["trackingUrl"] = TrackingUrl }));
        await Ok(carrier.Patch(Servientrega, trackingId, new JsonObject { ["totalDistanceTraveled"] = 800, ["shippingEstimatedDate"] = "2030-01-02T03:04:05.678Z" }));
        await Ok(carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{trackingId}", Raw(Notes)));
        await Ok(carrier.PostAsync($"/tracking/hook/evidences/{Servientrega}/{trackingId}", Raw(Evidences)));
        await Ok(carrier.PostAsync($"/tracking/hook/labels/{Servientrega}/{trackingId}", Raw(Label)));
        await Ok(carrier.Hook("labels", Servientrega, trackingId, JsonNode.Parse(Label.Replace("Etiqueta de entrega", "Etiqueta corregida", StringComparison.Ordinal)
            .Replace("AS23424ADASFG", "AS23424ADASFH", StringComparison.Ordinal))!));

        // A stream written before duplicate label ids were refused holds a replacement: the projections fold it too.
        await api.Apply(id, s => [new LabelAdded(new ShipmentLabel("AS23424ADASFG", "https://labels.example/v2.pdf", "Etiqueta reimpresa", LabelType.Pdf),
            Scenarios.Carrier, DateTimeOffset.UtcNow)], "legacy-label-replacement");
        await Ok(carrier.Patch(Servientrega, trackingId, Status("ON_ROUTE")));
        await Ok(carrier.Patch(Servientrega, trackingId, Status("INCIDENT")));
        await Ok(carrier.Patch(Servientrega, trackingId, new JsonObject { ["status"] = "RETURNED", ["rating"] = 2 }));
        var store = api.Services.GetRequiredService<IDocumentStore>();

        var liveView = await Stored<VtexServiceView>(store, id);
        var liveTracking = await Stored<ShipmentTracking>(store, id);
        var viewData = (await View(carrier, Servientrega, trackingId)).ToJsonString();
        Assert.Contains("\"shippingPrice\":99.5", viewData, StringComparison.Ordinal);
        Assert.Contains("\"shippingEstimatedDate\":\"2030-01-02T03:04:05.678Z\"", viewData, StringComparison.Ordinal);
        Assert.Equal(new[] { "Etiqueta corregida", "Etiqueta reimpresa" },
            JsonNode.Parse(viewData)!["labels"]!.AsArray().Select(l => Text(l!, "name")).Order(StringComparer.Ordinal).ToArray());

        // Aggregated live from the stream: the same documents.
        await using (var session = store.QuerySession())
        {
            var serializer = store.Options.Serializer();
            Assert.Equal(liveView, serializer.ToJson(VtexServiceProjection.InWrittenOrder((await session.Events.AggregateStreamAsync<VtexServiceView>(id))!)));
            Assert.Equal(liveTracking, serializer.ToJson((await session.Events.AggregateStreamAsync<ShipmentTracking>(id))!));
        }

        // Without its document, GET aggregates the service live (a stream older than the projection).
        await Delete<VtexServiceView>(store, id);
        Assert.Equal(viewData, (await View(carrier, Servientrega, trackingId)).ToJsonString());

        // Rebuilt for the one stream, then by the projection daemon over every stream.
        await Delete<ShipmentTracking>(store, id);
        await store.Advanced.RebuildSingleStreamAsync<VtexServiceView>(id);
        await store.Advanced.RebuildSingleStreamAsync<ShipmentTracking>(id);
        Assert.Equal(liveView, await Stored<VtexServiceView>(store, id));
        Assert.Equal(liveTracking, await Stored<ShipmentTracking>(store, id));

        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<VtexServiceProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
            await daemon.RebuildProjectionAsync<Cargamos.Modular.Infrastructure.Shipments.ShipmentTrackingProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        Assert.Equal(liveView, await Stored<VtexServiceView>(store, id));
        Assert.Equal(liveTracking, await Stored<ShipmentTracking>(store, id));
        Assert.Equal(viewData, (await View(carrier, Servientrega, trackingId)).ToJsonString());
    }

    [Fact]
    public async Task Concurrent_hooks_on_one_service_leave_the_views_equal_to_the_stream()
    {
        // The store reads the inline projections' documents into the session's identity map before deciding; a lost
        // race is decided again on fresh documents, never on the ones read before it.
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk(Orders.Valid(Orders.Unique("RACE")));
        var carrier = await api.AsCarrier(ServientregaKey);
        await Ok(carrier.Patch(Servientrega, trackingId, Status("PENDING")));

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var response = await carrier.PostAsync($"/tracking/hook/notes/{Servientrega}/{trackingId}",
                Raw($$"""[{"type":"COMMENT","note":"nota {{i}}","author":"Courier"}]"""));
            return (Note: $"nota {i}", response.StatusCode);
        }));

        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var saved = answers.Where(a => a.StatusCode == HttpStatusCode.OK).Select(a => a.Note).Order().ToArray();
        Assert.NotEmpty(saved);
        var view = await View(carrier, Servientrega, trackingId);
        Assert.Equal(saved, view["notes"]!.AsArray().Select(n => Text(n!, "content")).Order().ToArray());
        var store = api.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(id);
        Assert.Equal(saved.Length, stream.Count(e => e.Data is NoteAdded));
        var serializer = store.Options.Serializer();
        Assert.Equal(await Stored<ShipmentTracking>(store, id), serializer.ToJson((await session.Events.AggregateStreamAsync<ShipmentTracking>(id))!));
        Assert.Equal(await Stored<VtexServiceView>(store, id),
            serializer.ToJson(VtexServiceProjection.InWrittenOrder((await session.Events.AggregateStreamAsync<VtexServiceView>(id))!)));
    }

    [Fact]
    public async Task Timeline_ids_are_the_event_ids_also_inside_the_inline_projection()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned]);
        var store = api.Services.GetRequiredService<IDocumentStore>();

        await using var session = store.QuerySession();
        var view = await session.LoadAsync<VtexServiceView>(id);

        Assert.NotNull(view);
        Assert.DoesNotContain(Guid.Empty, view.Timeline.Select(e => e.Id));
        Assert.Equal(await EventIds(id), view.Timeline.Select(e => e.Id).ToArray());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static readonly Lazy<JsonObject> Example = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vtex", "Examples", "service-response.json")))!.AsObject());

    /// <summary>The keys of the document's example response at a path like <c>data.packages[0].items[0]</c>, in its order.</summary>
    private static string[] ExampleKeys(string path) => Keys(Node(Example.Value, path).AsObject());

    private static JsonNode Node(JsonNode root, string path) =>
        path.Split('.').Aggregate(root, (node, part) =>
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            return bracket < 0 ? node[part]!
                : node[part[..bracket]]![int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture)]!;
        });

    private static string[] Keys(JsonObject node) => node.Select(p => p.Key).ToArray();

    private static string? Text(JsonNode node, string property) => node[property]?.GetValue<string>();

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}{Environment.NewLine}got {actual?.ToJsonString()}");

    private static async Task Ok(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonObject> View(HttpClient carrier, string carrierId, string serviceId)
    {
        using var response = await carrier.GetAsync($"/tracking/hook/{carrierId}/{serviceId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsObject();
    }

    private async Task<Guid[]> EventIds(Guid id)
    {
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Id).ToArray();
    }

    /// <summary>The document as stored, in Marten's own JSON (full precision): what a rebuild must write again.</summary>
    private static async Task<string> Stored<T>(IDocumentStore store, Guid id) where T : class
    {
        await using var session = store.QuerySession();
        var document = await session.LoadAsync<T>(id);
        Assert.NotNull(document);

        // jsonb keeps object keys in its own order: compare the free JSON in the order the projection wrote it.
        return store.Options.Serializer().ToJson(document is VtexServiceView view ? VtexServiceProjection.InWrittenOrder(view) : document);
    }

    private static async Task Delete<T>(IDocumentStore store, Guid id) where T : notnull
    {
        await using var session = store.LightweightSession();
        session.Delete<T>(id);
        await session.SaveChangesAsync();
    }

    private HttpClient Vtex()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppKey", "vtexappkey-demo");
        client.DefaultRequestHeaders.Add("X-VTEX-API-AppToken", "vtex-demo-token");
        return client;
    }

    /// <summary>The document's service creation example (syntax corrected) for <paramref name="carrierId"/>, covered and dated validly.</summary>
    private static JsonObject ServiceRequest(string carrierId)
    {
        var service = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vtex", "Examples", "service-creation-request-corrected.json")))!.AsObject();
        var pickup = Orders.NextOperatingDay("America/Bogota", hour: 10);
        service["orderId"] = Orders.Unique("SLR");
        service["carrierId"] = carrierId;
        service["sender"]!["zipCode"] = "110111";
        service["sender"]!["pickupDate"] = Utc(pickup);
        service["receiver"]!["country"] = "Colombia";
        service["receiver"]!["zipCode"] = "110111";
        service["receiver"]!["deliveryDate"] = Utc(pickup.AddDays(2).AddHours(6));
        return service;
    }

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex VtexDate();
}
