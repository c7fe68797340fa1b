using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Vtex;

/// <summary>The carrier configuration endpoints VTEX calls on us: service creation, cancel and pause.</summary>
public sealed partial class VtexCarrierConfigTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string AppKey = VtexServices.AppKey;
    private const string AppToken = VtexServices.AppToken;
    private const string Servientrega = "servientrega-50461c9f3335";
    private const string BlueExpress = "627eb3b93a19fdc0cf5fe087";

    // ---- service creation -------------------------------------------------------------------------------------

    [Fact]
    public async Task The_corrected_example_creates_a_pending_shipment_answered_with_the_documents_keys()
    {
        var (service, _, delivery) = ValidService();

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Body();
        var documented = JsonDocument.Parse(Example("service-creation-response-corrected.json")).RootElement;
        // The seed's keys with the current protocol's rate, then the labels its ResponseService requires (LabelApiTests checks they download).
        Assert.Equal(VtexServices.WithRate(documented.EnumerateObject().Select(p => p.Name)).Append("labels").ToArray(), body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "PDF", "ZPL" }, body.GetProperty("labels").EnumerateArray().Select(l => l.Str("type")).ToArray());
        Assert.Equal("PENDING", body.Str("status"));
        Assert.Matches(TrackingId(), body.Str("serviceId"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("shippingPrice").ValueKind); // demo-shipper has no rate card here
        Assert.Equal(JsonValueKind.Null, body.GetProperty("rate").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("metaData").ValueKind);
        Assert.Equal(Utc(delivery), body.Str("shippingEstimatedDate"));

        // the shipment exists for the seller's shipper, PENDING, with VTEX's carrier (not the zone's default)
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var serviceId = body.Str("serviceId")!;
        using var get = await shipper.GetAsync($"/v1/shipments/{serviceId}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var shipment = (await get.Body()).GetProperty("data");
        Assert.Equal("PENDING", shipment.Str("status"));
        Assert.Equal(Servientrega, shipment.Str("carrierId"));
        Assert.Equal("co-bog", shipment.Str("zoneId"));
        var order = shipment.GetProperty("order");
        Assert.Equal("co", order.GetProperty("recipientLocation").Str("country"));
        Assert.Equal("110111", order.GetProperty("recipientLocation").Str("postalCode"));
        Assert.Equal("63 Billings Place, Valle, Marshall Islands", order.GetProperty("recipientLocation").Str("street"));
        Assert.Equal("9840", order.GetProperty("recipientLocation").Str("exteriorNumber"));
        Assert.Equal("Pansy Graves", order.GetProperty("recipientInformation").Str("name"));
        Assert.Equal(19m, order.GetProperty("packageInformation").GetProperty("weight").GetDecimal());
        Assert.Equal(68m, order.GetProperty("packageInformation").GetProperty("dimensions").GetProperty("width").GetDecimal());
        Assert.Equal(5616.01m, order.GetProperty("packageInformation").GetProperty("declaredValue").GetDecimal());
        Assert.Equal("COP", order.GetProperty("packageInformation").Str("currency"));
        Assert.Equal(JsonValueKind.Null, order.GetProperty("packageInformation").GetProperty("cartaPorte").ValueKind);

        // created and accepted by VTEX in the same request: CREATED then PENDING
        using var events = await shipper.GetAsync($"/v1/shipments/{serviceId}/events");
        var stream = (await events.Body()).GetProperty("data").GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAccepted" }, stream.Select(e => e.Str("type")).ToArray());
        Assert.All(stream, e =>
        {
            Assert.Equal("VTEX", e.GetProperty("actor").Str("kind"));
            Assert.Equal(AppKey, e.GetProperty("actor").Str("id"));
            Assert.Equal(response.Headers.GetValues("X-Process-Id").Single(), e.Str("processId"));
        });
        var vtex = stream[0].GetProperty("data").GetProperty("vtex");
        Assert.Equal(service["orderId"]!.GetValue<string>(), vtex.Str("orderId"));
        Assert.Equal("qaolimpica", vtex.Str("seller"));
        Assert.Equal("PICKUP_DELIVERY", vtex.Str("type"));
        Assert.Equal("America/Bogota", vtex.GetProperty("timezone").Str("value"));
    }

    [Fact]
    public async Task A_mexican_service_gets_the_default_carta_porte_and_weights_from_the_items()
    {
        var (service, _, _) = ValidService(timeZone: "America/Mexico_City");
        service["receiver"]!["country"] = "méxico";
        service["receiver"]!["zipCode"] = "06700";
        service["receiver"]!["number"] = null;
        var package = service["packages"]![0]!;
        package.AsObject().Remove("weight");
        package["items"]![0]!["weight"] = "500 g";
        package["items"]![1]!["weight"] = "1";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var get = await shipper.GetAsync($"/v1/shipments/{(await response.Body()).Str("serviceId")}");
        var order = (await get.Body()).GetProperty("data").GetProperty("order");
        Assert.Equal("mx", order.GetProperty("recipientLocation").Str("country"));
        Assert.Equal("S/N", order.GetProperty("recipientLocation").Str("exteriorNumber"));
        var packageInformation = order.GetProperty("packageInformation");
        Assert.Equal(11m, packageInformation.GetProperty("weight").GetDecimal()); // 4 x 0.5 kg + 9 x 1 kg
        Assert.Equal("MXN", packageInformation.Str("currency"));
        var cartaPorte = packageInformation.GetProperty("cartaPorte");
        Assert.Equal("31181701", cartaPorte.Str("productKey"));
        Assert.Equal("H87", cartaPorte.Str("unitKey"));
        Assert.Equal(1m, cartaPorte.GetProperty("quantity").GetDecimal());
        Assert.False(cartaPorte.GetProperty("hazardousMaterial").GetBoolean());
    }

    [Fact]
    public async Task A_retry_with_the_same_order_id_answers_the_same_service_and_creates_nothing()
    {
        var (service, _, _) = ValidService();
        var client = Vtex();

        using var first = await client.PostAsync("/vtex/services", Body(service));
        using var retry = await client.PostAsync("/vtex/services", Body(service));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        // The same answer, label ids included; only the label links are signed anew (each valid from its own answer on).
        Assert.Equal(WithoutLinks(await first.Content.ReadAsStringAsync()), WithoutLinks(await retry.Content.ReadAsStringAsync()));
        Assert.Equal(1, await CreatedCount(service["orderId"]!.GetValue<string>()));

        static string WithoutLinks(string answer)
        {
            var json = JsonNode.Parse(answer)!.AsObject();
            foreach (var label in json["labels"]!.AsArray())
            {
                label!["url"] = null;
            }

            return json.ToJsonString();
        }
    }

    [Fact]
    public async Task Twenty_concurrent_creations_of_one_order_create_exactly_one_shipment()
    {
        var (service, _, _) = ValidService();
        var client = Vtex();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PostAsync("/vtex/services", Body(service))));

        var serviceIds = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            serviceIds.Add((await response.Body()).Str("serviceId")!);
            response.Dispose();
        }

        Assert.Single(serviceIds.Distinct());
        Assert.Equal(1, await CreatedCount(service["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_same_order_id_for_another_carrier_is_another_service()
    {
        var (service, _, _) = ValidService();
        var client = Vtex();
        using var first = await client.PostAsync("/vtex/services", Body(service));
        service["carrierId"] = BlueExpress;

        using var second = await client.PostAsync("/vtex/services", Body(service));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual((await first.Body()).Str("serviceId"), (await second.Body()).Str("serviceId"));
        Assert.Equal(2, await CreatedCount(service["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_empty_body_names_every_required_field()
    {
        using var response = await Vtex().PostAsync("/vtex/services", Body(new JsonObject()));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(
            new[] { "carrierId", "carrierServiceType", "orderId", "paymentMethod", "receiver", "seller", "sender", "timezone", "type" },
            Parameters(body));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("MISSING_PARAMETER", e.Str("code")));
    }

    [Theory]
    [InlineData(null, "VtexServiceRequest")]
    [InlineData("sender", "VtexSenderRequest")]
    [InlineData("receiver", "VtexReceiverRequest")]
    [InlineData("timezone", "VtexTimezoneRequest")]
    public async Task The_openapi_required_flags_are_what_an_empty_object_is_refused_for(string? member, string schemaName)
    {
        var service = member is null ? new JsonObject() : ValidService().Service;
        if (member is not null)
        {
            service[member] = new JsonObject();
        }

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));
        using var document = await api.CreateClient().GetAsync("/openapi/v1.json");

        var missing = Parameters(await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST"))
            .Where(p => member is null ? !p.Contains('.', StringComparison.Ordinal) : p.StartsWith(member + ".", StringComparison.Ordinal))
            .Select(p => member is null ? p : p[(member.Length + 1)..])
            .Order(StringComparer.Ordinal).ToArray();
        var schema = (await document.Body()).GetProperty("components").GetProperty("schemas").GetProperty(schemaName);
        var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()!).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.NotEmpty(missing);
        // The receiver's phone is the intake's rule, checked after this first stage: OpenApiRequiredTests send a body without it.
        Assert.Equal(member == "receiver" ? missing.Append("phone").Order(StringComparer.Ordinal).ToArray() : missing, required);
    }

    [Fact]
    public async Task Missing_nested_fields_are_all_reported_with_their_dotted_paths()
    {
        var (service, _, _) = ValidService();
        service.Remove("orderId");
        service["sender"]!["pickupDate"] = null;
        service["packages"]![0]!["items"]![1]!.AsObject().Remove("ean");
        service["packages"]![0]!["items"]![0]!.AsObject().Remove("quantity");
        service["timezone"]!.AsObject().Remove("value");

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(
            new[] { "orderId", "packages[0].items[0].quantity", "packages[0].items[1].ean", "sender.pickupDate", "timezone.value" },
            Parameters(body));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("MISSING_PARAMETER", e.Str("code")));
    }

    [Theory]
    [InlineData("receiver", 100_000)]
    [InlineData("item", 2_001)]
    public async Task An_oversized_string_anywhere_in_a_service_is_refused_as_the_body_is_read_and_nothing_is_stored(string where, int length)
    {
        var (service, _, _) = ValidService();
        var orderId = service["orderId"]!.GetValue<string>();
        var (node, parameter) = where == "receiver"
            ? (service["receiver"]!, "receiver.name")
            : (service["packages"]![0]!["items"]![0]!, "packages[0].items[0].name");
        node["name"] = new string('x', length); // bigger bodies are 413 before they are read (BodyLimitTests)

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(new[] { parameter }, Parameters(body));
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal($"The value has {length:N0} characters; at most 2,000 are accepted.", body.Error().Str("details"));
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.False(await session.Query<Cargamos.Modular.Application.Vtex.VtexOrderKey>().AnyAsync(k => k.OrderId == orderId));
    }

    [Fact]
    public async Task An_oversized_list_in_a_service_is_refused_and_nothing_is_stored()
    {
        var (service, _, _) = ValidService();
        var orderId = service["orderId"]!.GetValue<string>();
        service["settings"] = new JsonArray(Enumerable.Range(0, 1_001)
            .Select(i => (JsonNode)new JsonObject { ["label"] = "l", ["value"] = "v", ["key"] = $"k{i}" }).ToArray());

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(new[] { "settings" }, Parameters(body));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("INVALID_PARAMETER", e.Str("code")));
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.False(await session.Query<Cargamos.Modular.Application.Vtex.VtexOrderKey>().AnyAsync(k => k.OrderId == orderId));
    }

    [Theory]
    [InlineData("/vtex/services/cancel")]
    [InlineData("/vtex/services/pause")]
    public async Task Cancel_and_pause_accept_the_current_protocols_settings_and_metaData(string path)
    {
        var serviceId = await CreateService();
        var body = new JsonObject
        {
            ["serviceId"] = serviceId, ["carrierId"] = Servientrega, ["reason"] = "El cliente cambió de opinión",
            ["settings"] = new JsonArray(new JsonObject { ["label"] = "Canal", ["value"] = "web", ["key"] = "channel" }),
            ["metaData"] = new JsonObject { ["source"] = "oms", ["attempt"] = 1 },
        };
        if (path.EndsWith("pause", StringComparison.Ordinal))
        {
            body["pause"] = true;
        }

        using var response = await Vtex().PostAsync(path, Body(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.Body()).GetProperty("data");
        Assert.Equal("channel", data.GetProperty("settings")[0].Str("key"));
        Assert.Equal("oms", data.GetProperty("metaData").Str("source"));
        Assert.Equal(path.EndsWith("pause", StringComparison.Ordinal) ? "ON_HOLD" : "CANCELED", await Status(serviceId));
    }

    [Theory]
    [InlineData("BROKER")]
    [InlineData("PICKUP_IN_STORE")]
    public async Task The_current_protocols_carrier_service_types_are_accepted(string carrierServiceType)
    {
        var (service, _, _) = ValidService();
        service["carrierServiceType"] = carrierServiceType;

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Bad_enums_formats_and_countries_are_invalid_parameters_all_at_once()
    {
        var (service, _, _) = ValidService();
        service["type"] = "TRUCK";
        service["carrierServiceType"] = "national";
        service["paymentMethod"] = "BITCOIN";
        service["timezone"]!["value"] = "Mars/Olympus";
        service["receiver"]!["country"] = "Iceland";
        service["receiver"]!["deliveryDate"] = "tomorrow";
        service["packages"]![0]!["weight"] = "heavy";
        service["packages"]![0]!["dimensions"]!["width"] = "-3";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(
            new[] { "carrierServiceType", "packages[0].dimensions.width", "packages[0].weight", "paymentMethod", "receiver.country", "receiver.deliveryDate", "timezone.value", "type" },
            Parameters(body));
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("INVALID_PARAMETER", e.Str("code")));
        Assert.Equal("Value is not a valid enumeration member; permitted: 'PICKUP', 'DELIVERY', 'PICKUP_DELIVERY', 'RETURN'.", Error(body, "type").Str("details"));
        Assert.Equal("Value is not a valid enumeration member; permitted: 'ONLINE', 'CASH_ON_DELIVERY', 'PIN_PAD'.", Error(body, "paymentMethod").Str("details"));
        Assert.StartsWith("'Iceland' is not a country Cargamos delivers to; accepted: Mexico", Error(body, "receiver.country").Str("details"));
    }

    [Fact]
    public async Task A_wrong_json_type_is_named_by_its_path()
    {
        var (service, _, _) = ValidService();
        service["timezone"]!["offset"] = "300";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal("timezone.offset", body.Error().Str("parameter"));
    }

    [Fact]
    public async Task The_documents_broken_example_is_a_400_not_a_500()
    {
        using var response = await Vtex().PostAsync("/vtex/services",
            new StringContent(Example("service-creation-request-original.json"), Encoding.UTF8, "application/json"));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Contains("not valid JSON", body.Error().Str("details"));
    }

    [Fact]
    public async Task The_corrected_example_as_printed_names_a_country_we_do_not_serve_and_its_missing_zip_codes_are_no_error()
    {
        // The current protocol makes zipCode optional: only the country (Iceland) is refused.
        using var response = await Vtex().PostAsync("/vtex/services",
            new StringContent(Example("service-creation-request-corrected.json"), Encoding.UTF8, "application/json"));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(new[] { "receiver.country" }, Parameters(body));
    }

    [Fact]
    public async Task An_uncovered_zip_code_is_a_coverage_failure_in_vtex_terms()
    {
        var (service, _, _) = ValidService();
        service["receiver"]!["zipCode"] = "033002";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("COVERAGE_FAILURE", body.Error().Str("code"));
        Assert.Equal("There is no coverage for the given postalCode: 033002", body.Error().Str("details"));
        Assert.Equal("receiver.zipCode", body.Error().Str("parameter"));
    }

    [Fact]
    public async Task A_service_level_the_contract_cannot_honor_names_the_vtex_dates()
    {
        var (service, pickup, _) = ValidService();
        service["receiver"]!["deliveryDate"] = Utc(pickup.AddDays(10));

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("SERVICE_LEVEL_FAILURE", body.Error().Str("code"));
        Assert.Equal("receiver.deliveryDate", body.Error().Str("parameter"));
        Assert.StartsWith("receiver.deliveryDate is 10 day(s) after sender.pickupDate", body.Error().Str("details"));
    }

    [Fact]
    public async Task A_receiver_without_phone_is_refused_as_cargamos_needs_one()
    {
        var (service, _, _) = ValidService();
        service["receiver"]!.AsObject().Remove("phone");

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("MISSING_PARAMETER", body.Error().Str("code"));
        Assert.Equal("receiver.phone", body.Error().Str("parameter"));
    }

    [Theory]
    [InlineData(AppKey, "wrong-token")]
    [InlineData("unknown-app-key", AppToken)]
    [InlineData(AppKey, null)]
    [InlineData(null, null)]
    public async Task Wrong_or_missing_app_keys_are_401(string? appKey, string? appToken)
    {
        var client = api.CreateClient();
        if (appKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-VTEX-API-AppKey", appKey);
        }

        if (appToken is not null)
        {
            client.DefaultRequestHeaders.Add("X-VTEX-API-AppToken", appToken);
        }

        var (service, _, _) = ValidService();
        using var response = await client.PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("UNAUTHORIZED", body.Error().Str("code"));
        Assert.Contains("X-VTEX-API-AppToken", body.Error().Str("details"));
        Assert.Equal(0, await CreatedCount(service["orderId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_shipper_token_does_not_open_the_vtex_endpoints()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (service, _, _) = ValidService();

        using var response = await shipper.PostAsync("/vtex/services", Body(service));

        await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_seller_not_linked_to_the_account_is_403()
    {
        var (service, _, _) = ValidService();
        service["seller"] = "unknownseller";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal("FORBIDDEN", body.Error().Str("code"));
        Assert.Equal("seller", body.Error().Str("parameter"));
        Assert.Contains("'unknownseller' is not linked to this VTEX account", body.Error().Str("details"));
    }

    [Fact]
    public async Task An_unknown_carrier_is_404()
    {
        var (service, _, _) = ValidService();
        service["carrierId"] = "no-such-carrier";

        using var response = await Vtex().PostAsync("/vtex/services", Body(service));

        var body = await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("NOT_FOUND", body.Error().Str("code"));
        Assert.Equal("carrierId", body.Error().Str("parameter"));
    }

    // ---- cancel -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Cancel_cancels_for_the_end_client_and_echoes_the_request()
    {
        var serviceId = await CreateService();
        var cancel = new JsonObject { ["serviceId"] = serviceId, ["carrierId"] = Servientrega, ["reason"] = "La dirección de entrega esta mal registrada" };

        using var response = await Vtex().PostAsync("/vtex/services/cancel", Body(cancel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Body();
        Assert.Equal(new[] { "message", "data" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Service executed successfully", body.Str("message"));
        Assert.True(JsonNode.DeepEquals(cancel, JsonNode.Parse(body.GetProperty("data").GetRawText())));
        Assert.Equal("CANCELED", await Status(serviceId));
        var canceled = (await Events(serviceId)).Last();
        Assert.Equal("ShipmentCanceled", canceled.Str("type"));
        Assert.Equal("VTEX", canceled.GetProperty("actor").Str("kind"));
        Assert.Equal("END_CLIENT_CANCELED", canceled.GetProperty("data").Str("type"));
        Assert.Equal("La dirección de entrega esta mal registrada", canceled.GetProperty("data").Str("comment"));
    }

    [Fact]
    public async Task The_documents_cancel_example_shape_is_accepted_and_the_answer_keeps_nulls()
    {
        var serviceId = await CreateService();
        var cancel = JsonNode.Parse(Example("cancel-request.json"))!.AsObject();
        cancel["serviceId"] = serviceId;
        cancel["carrierId"] = Servientrega;
        cancel.Remove("reason");

        using var response = await Vtex().PostAsync("/vtex/services/cancel", Body(cancel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var documented = JsonDocument.Parse(Example("cancel-response.json")).RootElement;
        var body = await response.Body();
        Assert.Equal(documented.GetProperty("data").EnumerateObject().Select(p => p.Name).ToArray(),
            body.GetProperty("data").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("data").GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task Cancel_after_the_courier_picked_the_parcel_is_409()
    {
        var serviceId = await CreateService();
        await api.Apply(await ShipmentId(serviceId),
            s => ShipmentDecisions.ReportStatus(s, new StatusReport(ShipmentStatus.Picked), Scenarios.Carrier, DateTimeOffset.UtcNow), "setup-picked");

        using var response = await Vtex().PostAsync("/vtex/services/cancel",
            Body(new JsonObject { ["serviceId"] = serviceId, ["carrierId"] = Servientrega, ["reason"] = "late" }));

        var body = await response.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("INVALID_STATUS_TRANSITION", body.Error().Str("code"));
        Assert.Equal("PICKED", await Status(serviceId));
    }

    [Fact]
    public async Task Cancel_of_another_carriers_service_is_404()
    {
        var serviceId = await CreateService();

        using var response = await Vtex().PostAsync("/vtex/services/cancel",
            Body(new JsonObject { ["serviceId"] = serviceId, ["carrierId"] = BlueExpress, ["reason"] = "x" }));

        var body = await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("serviceId", body.Error().Str("parameter"));
        Assert.Equal("PENDING", await Status(serviceId));
    }

    [Fact]
    public async Task Cancel_of_a_shipment_vtex_did_not_create_is_404()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(); // carrier: the zone's default, Servientrega

        using var response = await Vtex().PostAsync("/vtex/services/cancel",
            Body(new JsonObject { ["serviceId"] = trackingId, ["carrierId"] = Servientrega }));

        await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("CREATED", await Status(trackingId));
    }

    [Fact]
    public async Task Cancel_and_pause_name_their_missing_fields()
    {
        using var cancel = await Vtex().PostAsync("/vtex/services/cancel", Body(new JsonObject { ["reason"] = "x" }));
        using var pause = await Vtex().PostAsync("/vtex/services/pause", Body(new JsonObject()));

        Assert.Equal(new[] { "carrierId", "serviceId" }, Parameters(await cancel.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")));
        Assert.Equal(new[] { "carrierId", "pause", "serviceId" }, Parameters(await pause.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")));
    }

    [Fact]
    public async Task Cancel_requires_the_vtex_app_key()
    {
        using var response = await api.CreateClient().PostAsync("/vtex/services/cancel",
            Body(new JsonObject { ["serviceId"] = "CGM0000000000", ["carrierId"] = Servientrega }));

        await response.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    // ---- pause ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Pause_true_holds_the_service_and_pause_false_resumes_it()
    {
        var serviceId = await CreateService();
        var client = Vtex();
        var pause = new JsonObject { ["serviceId"] = serviceId, ["carrierId"] = Servientrega, ["pause"] = true, ["reason"] = "No hay quien reciba" };

        using var paused = await client.PostAsync("/vtex/services/pause", Body(pause));

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        var body = await paused.Body();
        Assert.Equal("Service executed successfully", body.Str("message"));
        Assert.Equal(new[] { "serviceId", "carrierId", "pause", "reason" }, body.GetProperty("data").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.True(JsonNode.DeepEquals(pause, JsonNode.Parse(body.GetProperty("data").GetRawText())));
        Assert.Equal("ON_HOLD", await Status(serviceId));
        var held = (await Events(serviceId)).Last();
        Assert.Equal("ShipmentPutOnHold", held.Str("type"));
        Assert.Equal("END_CLIENT_PAUSE", held.GetProperty("data").Str("type"));
        Assert.Equal("No hay quien reciba", held.GetProperty("data").Str("comment"));

        pause["pause"] = false;
        pause["reason"] = "Ya hay quien reciba";
        using var resumed = await client.PostAsync("/vtex/services/pause", Body(pause));

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("PENDING", await Status(serviceId));
        Assert.Equal("ShipmentResumed", (await Events(serviceId)).Last().Str("type"));
    }

    [Fact]
    public async Task Pause_false_on_a_service_that_is_not_paused_is_accepted_and_records_nothing()
    {
        // VTEX retries: a repeated resume must not fail once the first one succeeded.
        var serviceId = await CreateService();
        var before = (await Events(serviceId)).Count;

        using var response = await Vtex().PostAsync("/vtex/services/pause",
            Body(new JsonObject { ["serviceId"] = serviceId, ["carrierId"] = Servientrega, ["pause"] = false }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("PENDING", await Status(serviceId));
        Assert.Equal(before, (await Events(serviceId)).Count);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private HttpClient Vtex() => api.Vtex();

    private static string Example(string name) => VtexServices.Example(name);

    private static (JsonObject Service, DateTimeOffset Pickup, DateTimeOffset Delivery) ValidService(string timeZone = "America/Bogota") =>
        VtexServices.Valid(timeZone);

    private async Task<string> CreateService()
    {
        var (service, _, _) = ValidService();
        using var response = await Vtex().PostAsync("/vtex/services", Body(service));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Body()).Str("serviceId")!;
    }

    private async Task<string?> Status(string id)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.GetAsync($"/v1/shipments/{id}");
        return (await response.Body()).GetProperty("data").Str("status");
    }

    private async Task<Guid> ShipmentId(string id)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.GetAsync($"/v1/shipments/{id}");
        return Guid.Parse((await response.Body()).GetProperty("data").Str("shipmentId")!);
    }

    private async Task<List<JsonElement>> Events(string id)
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.GetAsync($"/v1/shipments/{id}/events");
        return (await response.Body()).GetProperty("data").GetProperty("events").EnumerateArray().ToList();
    }

    /// <summary>How many shipments were created for a VTEX orderId, straight from the event store.</summary>
    private async Task<int> CreatedCount(string orderId)
    {
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var created = await session.Events.QueryRawEventDataOnly<ShipmentCreated>().ToListAsync();
        return created.Count(e => e.Vtex?.OrderId == orderId && e.By.Kind == ActorKind.Vtex);
    }

    private static StringContent Body(JsonNode node) => Orders.Body(node);

    private static string Utc(DateTimeOffset value) => VtexServices.Utc(value);

    private static string[] Parameters(JsonElement envelope) =>
        envelope.GetProperty("errors").EnumerateArray().Select(e => e.Str("parameter")!).Order(StringComparer.Ordinal).ToArray();

    private static JsonElement Error(JsonElement envelope, string parameter) =>
        envelope.GetProperty("errors").EnumerateArray().Single(e => e.Str("parameter") == parameter);

    [GeneratedRegex("^CGM[0-9A-HJKMNP-TV-Z]{10}$")]
    private static partial Regex TrackingId();
}
