using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.ReferenceData;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>The API for the contract tests (webhook timings of the tests, its own database).</summary>
public sealed class ContractApiFactory : WebhookApiFactory
{
    protected override string DatabasePrefix => "contract";
}

/// <summary>
/// The OpenAPI document against behaviour: for a sample of every endpoint group, real answers (successes and the usual
/// errors) must have a documented status, media type and headers, and a body valid under the documented schema
/// (<see cref="OpenApiContract"/>). And the document's own rules: an operation id on every operation, unique; the common
/// errors everywhere.
/// </summary>
public sealed class OpenApiConformanceTests(ContractApiFactory api) : IClassFixture<ContractApiFactory>
{
    private OpenApiContract? contract;

    private async Task<OpenApiContract> Contract() => contract ??= await OpenApiContract.Load(api.CreateClient());

    /// <summary>Sends the request and checks the answer against the operation; returns the answer (the caller disposes it).</summary>
    private async Task<HttpResponseMessage> Check(HttpClient client, HttpRequestMessage request, string path, HttpStatusCode expected)
    {
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{request.Method} {request.RequestUri} -> {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return await (await Contract()).Conforms(response, request.Method.Method, path);
    }

    private Task<HttpResponseMessage> Check(HttpClient client, HttpMethod method, string uri, string path, HttpStatusCode expected, JsonNode? body = null) =>
        Check(client, OpenApiRequests.Request(method, uri, body), path, expected);

    private static async Task<JsonNode> Data(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!;

    [Fact]
    public async Task Every_operation_has_a_unique_operation_id()
    {
        var operations = (await Contract()).Operations().ToList();
        Assert.True(operations.Count > 40, $"only {operations.Count} operations");

        var missing = operations.Where(o => o.Operation["operationId"] is null).Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.True(missing.Count == 0,
            "Every endpoint needs an explicit .WithName(\"VerbNoun\"): it is the operation id of the OpenAPI document and of generated clients. Missing: " +
            string.Join(", ", missing));
        var duplicates = operations.GroupBy(o => o.Operation["operationId"]!.GetValue<string>()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public async Task Every_operation_documents_the_errors_of_the_pipeline_with_the_envelope_and_the_process_id()
    {
        var contract = await Contract();
        foreach (var (method, path, operation) in contract.Operations())
        {
            var responses = operation["responses"]!.AsObject();
            var secured = operation["security"] is JsonArray { Count: > 0 } && path != "/v1/login";
            var expected = new List<string> { "500", "503" };
            expected.AddRange(secured ? ["401", "403"] : []);
            expected.AddRange(operation["requestBody"] is not null ? ["400", "413", "415"] : []);
            foreach (var status in expected)
            {
                Assert.True(responses.ContainsKey(status), $"{method} {path} does not document {status}");
            }

            foreach (var (status, response) in responses)
            {
                var headers = (response!["$ref"] is null ? response : throw new InvalidOperationException("response references are not used"))["headers"];
                Assert.True(headers?["X-Process-Id"] is not null, $"{method} {path} {status} does not document X-Process-Id");
                if (status is "429" or "503")
                {
                    Assert.True(headers?["Retry-After"] is not null, $"{method} {path} {status} does not document Retry-After");
                }

                if (status.StartsWith('4') || status.StartsWith('5'))
                {
                    var schema = response["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
                    Assert.True(schema is "#/components/schemas/ErrorEnvelope" or "#/components/schemas/ProtocolErrorEnvelope",
                        $"{method} {path} {status} is not the error envelope: {schema}");
                }
            }
        }
    }

    [Fact]
    public async Task Access_answers_match_the_document()
    {
        var client = api.CreateClient();
        using var login = OpenApiRequests.Request(HttpMethod.Get, "/v1/login?key=demo-shipper");
        login.Headers.Authorization = Basic("integrations@demo-shipper.mx", "demo-shipper-pass");
        using var ok = await Check(client, login, "/v1/login", HttpStatusCode.OK);

        using var wrong = OpenApiRequests.Request(HttpMethod.Get, "/v1/login?key=demo-shipper");
        wrong.Headers.Authorization = Basic("integrations@demo-shipper.mx", "wrong");
        using var refused = await Check(client, wrong, "/v1/login", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Integration_and_rates_answers_match_the_document()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        const string path = "/v1/delivery-orders";
        var order = Orders.Valid(Orders.Unique("OA"));
        var key = Guid.NewGuid().ToString();

        using var created = await Check(shipper, WithKey(OpenApiRequests.Request(HttpMethod.Post, path, order), key), path, HttpStatusCode.Created);
        using var replayed = await Check(shipper, WithKey(OpenApiRequests.Request(HttpMethod.Post, path, order), key), path, HttpStatusCode.Created);
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        using var reused = await Check(shipper, WithKey(OpenApiRequests.Request(HttpMethod.Post, path, Orders.Valid()), key), path, (HttpStatusCode)422);
        using var simulated = await Check(shipper, HttpMethod.Post, path + "?simulate=true", path, HttpStatusCode.OK, Orders.Valid());
        using var duplicate = await Check(shipper, HttpMethod.Post, path, path, HttpStatusCode.Conflict, order);
        using var empty = await Check(shipper, HttpMethod.Post, path, path, HttpStatusCode.BadRequest, new JsonObject());
        using var text = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        using var unsupported = await Check(shipper, text, path, HttpStatusCode.UnsupportedMediaType);
        using var anonymous = await Check(api.CreateClient(), HttpMethod.Post, path, path, HttpStatusCode.Unauthorized, order);
        using var auditor = await Check(await api.LoginAs(DemoUser.Auditor), HttpMethod.Post, path, path, HttpStatusCode.Forbidden, order);

        using var unpriced = await Check(shipper, HttpMethod.Post, "/v1/rates", "/v1/rates", HttpStatusCode.OK, Orders.Valid());
        Assert.Null((await Data(unpriced))["price"]);

        // A shipper with a rate card: the card's answer and a priced quote.
        var (pricedKey, priced) = await api.NewShipper();
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        var cards = $"/v1/admin/shippers/{pricedKey}/rate-cards";
        using var card = await Check(operatorClient, HttpMethod.Post, cards, "/v1/admin/shippers/{key}/rate-cards", HttpStatusCode.Created,
            AdminRequests.RateCard("mx-cdmx"));
        using var quote = await Check(priced, HttpMethod.Post, "/v1/rates", "/v1/rates", HttpStatusCode.OK, Orders.Valid());
        Assert.NotNull((await Data(quote))["price"]);
        using var pricedOrder = await Check(priced, HttpMethod.Post, path, path, HttpStatusCode.Created, Orders.Valid());
        using var uncovered = await Check(shipper, HttpMethod.Post, "/v1/rates", "/v1/rates", HttpStatusCode.Conflict, Orders.Valid(postalCode: "99999"));
        using var coverage = await Check(shipper, HttpMethod.Get, "/v1/coverage/mx/06700", "/v1/coverage/{country}/{postalCode}", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Shipment_and_label_answers_match_the_document()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk(Orders.Valid());

        using var tracking = await Check(shipper, HttpMethod.Get, $"/v1/shipment-tracking/{trackingId}", "/v1/shipment-tracking/{trackingId}", HttpStatusCode.OK);
        using var shipment = await Check(shipper, HttpMethod.Get, $"/v1/shipments/{id}", "/v1/shipments/{id}", HttpStatusCode.OK);
        Assert.NotNull(shipment.Headers.ETag);
        using var list = await Check(shipper, HttpMethod.Get, "/v1/shipments?limit=5", "/v1/shipments", HttpStatusCode.OK);
        using var badLimit = await Check(shipper, HttpMethod.Get, "/v1/shipments?limit=0", "/v1/shipments", HttpStatusCode.BadRequest);
        using var events = await Check(await api.LoginAs(DemoUser.Auditor), HttpMethod.Get, $"/v1/shipments/{id}/events", "/v1/shipments/{id}/events", HttpStatusCode.OK);
        using var state = await Check(shipper, HttpMethod.Get, $"/v1/shipments/{id}/state?version=1", "/v1/shipments/{id}/state", HttpStatusCode.OK);
        using var unknown = await Check(shipper, HttpMethod.Get, $"/v1/shipments/{Guid.NewGuid()}", "/v1/shipments/{id}", HttpStatusCode.NotFound);

        using var label = await Check(shipper, HttpMethod.Get, $"/v1/shipments/{id}/label?format=zpl", "/v1/shipments/{id}/label", HttpStatusCode.OK);
        using var batch = await Check(shipper, HttpMethod.Post, "/v1/labels", "/v1/labels", HttpStatusCode.OK,
            new JsonObject { ["shipmentIds"] = new JsonArray(trackingId), ["format"] = "pdf" });

        var cancel = new JsonObject { ["type"] = "END_CLIENT_CANCELED", ["comment"] = "contract test" };
        using var stale = OpenApiRequests.Request(HttpMethod.Post, $"/v1/shipments/{id}/cancel", cancel);
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        using var conflict = await Check(shipper, stale, "/v1/shipments/{id}/cancel", HttpStatusCode.Conflict);
        using var current = OpenApiRequests.Request(HttpMethod.Post, $"/v1/shipments/{id}/cancel", cancel);
        current.Headers.IfMatch.Add(shipment.Headers.ETag!);
        using var canceled = await Check(shipper, current, "/v1/shipments/{id}/cancel", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Webhook_answers_match_the_document()
    {
        var (_, shipper) = await api.NewShipper();
        const string path = "/v1/webhook";
        using var missing = await Check(shipper, HttpMethod.Get, path, path, HttpStatusCode.NotFound);
        using var created = await Check(shipper, HttpMethod.Put, path, path, HttpStatusCode.Created, WebhookKit.Webhook("http://127.0.0.1:9/hooks", "CREATED"));
        using var replaced = await Check(shipper, HttpMethod.Put, path, path, HttpStatusCode.OK, WebhookKit.Webhook("http://127.0.0.1:9/hooks", "CREATED", "CANCELED"));
        using var invalid = await Check(shipper, HttpMethod.Put, path, path, HttpStatusCode.BadRequest, new JsonObject { ["url"] = "nope", ["states"] = new JsonArray("LOST") });
        using var read = await Check(shipper, HttpMethod.Get, path, path, HttpStatusCode.OK);
        using var rotated = await Check(shipper, HttpMethod.Post, path + "/rotate-secret", path + "/rotate-secret", HttpStatusCode.OK);
        using var test = await Check(shipper, HttpMethod.Post, path + "/test", path + "/test", HttpStatusCode.Accepted);
        using var deliveries = await Check(shipper, HttpMethod.Get, path + "/deliveries", path + "/deliveries", HttpStatusCode.OK);
        using var suspended = await Check(shipper, HttpMethod.Post, path + "/suspend", path + "/suspend", HttpStatusCode.OK);
        using var notActive = await Check(shipper, HttpMethod.Post, path + "/test", path + "/test", HttpStatusCode.Conflict);
        using var resumed = await Check(shipper, HttpMethod.Post, path + "/resume", path + "/resume", HttpStatusCode.OK);
        using var deleted = await Check(shipper, HttpMethod.Delete, path, path, HttpStatusCode.OK);
        using var auditor = await Check(await api.LoginAs(DemoUser.Auditor), HttpMethod.Get, path, path, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Admin_answers_match_the_document()
    {
        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var zones = await Check(operatorClient, HttpMethod.Get, "/v1/admin/coverage-zones", "/v1/admin/coverage-zones", HttpStatusCode.OK);
        using var zone = await Check(operatorClient, HttpMethod.Get, "/v1/admin/coverage-zones/mx-cdmx", "/v1/admin/coverage-zones/{zoneId}", HttpStatusCode.OK);
        using var shipper = await Check(operatorClient, HttpMethod.Get, "/v1/admin/shippers/demo-shipper", "/v1/admin/shippers/{key}", HttpStatusCode.OK);
        var (key, _) = await api.NewShipper();
        using var added = await operatorClient.AddRateCard(key, AdminRequests.RateCard("mx-cdmx"));
        using var cards = await Check(operatorClient, HttpMethod.Get, $"/v1/admin/shippers/{key}/rate-cards", "/v1/admin/shippers/{key}/rate-cards", HttpStatusCode.OK);
        using var card = await Check(operatorClient, HttpMethod.Get, $"/v1/admin/shippers/{key}/rate-cards/1", "/v1/admin/shippers/{key}/rate-cards/{version}", HttpStatusCode.OK);
        using var none = await Check(operatorClient, HttpMethod.Get, "/v1/admin/shippers/nobody-here", "/v1/admin/shippers/{key}", HttpStatusCode.NotFound);
        using var forbidden = await Check(await api.LoginAs(DemoUser.Shipper), HttpMethod.Get, "/v1/admin/coverage-zones", "/v1/admin/coverage-zones", HttpStatusCode.Forbidden);
        using var anonymous = await Check(api.CreateClient(), HttpMethod.Get, "/v1/admin/coverage-zones", "/v1/admin/coverage-zones", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Spreadsheet_answers_match_the_document()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, _) = await shipper.IntegrateOk(Orders.Valid());
        using var shipment = await shipper.GetAsync($"/v1/shipments/{id}");
        var lot = (await Data(shipment))["integrationLotId"]!.GetValue<long>();

        using var csv = await Check(api.CreateClient(), HttpMethod.Get, "/v1/delivery-orders/template.csv", "/v1/delivery-orders/template.csv", HttpStatusCode.OK);
        using var lots = await Check(shipper, HttpMethod.Get, "/v1/integration-lots", "/v1/integration-lots", HttpStatusCode.OK);
        using var one = await Check(shipper, HttpMethod.Get, $"/v1/integration-lots/{lot}", "/v1/integration-lots/{lotId}", HttpStatusCode.OK);
        using var results = await Check(shipper, HttpMethod.Get, $"/v1/integration-lots/{lot}/results", "/v1/integration-lots/{lotId}/results", HttpStatusCode.OK);
        using var resultsCsv = await Check(shipper, HttpMethod.Get, $"/v1/integration-lots/{lot}/results.csv", "/v1/integration-lots/{lotId}/results.csv", HttpStatusCode.OK);
    }

    [Fact]
    public async Task Vtex_answers_match_the_document()
    {
        var vtex = api.Vtex();
        var (service, _, _) = VtexServices.Valid();
        using var rates = await Check(vtex, HttpMethod.Post, "/vtex/rates", "/vtex/rates", HttpStatusCode.OK, service);
        using var created = await Check(vtex, HttpMethod.Post, "/vtex/services", "/vtex/services", HttpStatusCode.OK, service);
        var serviceId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["serviceId"]!.GetValue<string>();
        using var refused = await Check(vtex, HttpMethod.Post, "/vtex/services", "/vtex/services", HttpStatusCode.BadRequest, new JsonObject());
        using var anonymous = await Check(api.CreateClient(), HttpMethod.Post, "/vtex/services", "/vtex/services", HttpStatusCode.Unauthorized, service);

        using var token = await Check(api.CreateClient(), HttpMethod.Post, "/token", "/token", HttpStatusCode.OK, new JsonObject { ["apiKey"] = CarrierClient.ServientregaKey });
        using var badKey = await Check(api.CreateClient(), HttpMethod.Post, "/token", "/token", HttpStatusCode.Unauthorized, new JsonObject { ["apiKey"] = "nope" });

        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        var hook = "/tracking/hook/{carrierId}/{serviceId}";
        var route = $"/tracking/hook/{CarrierClient.Servientrega}/{serviceId}";
        using var read = await Check(carrier, HttpMethod.Get, route, hook, HttpStatusCode.OK);
        using var updated = await Check(carrier, HttpMethod.Patch, route, hook, HttpStatusCode.OK, CarrierClient.Status("PENDING"));
        using var notes = await Check(carrier, HttpMethod.Post, $"/tracking/hook/notes/{CarrierClient.Servientrega}/{serviceId}", "/tracking/hook/notes/{carrierId}/{serviceId}",
            HttpStatusCode.OK, new JsonArray(new JsonObject { ["type"] = "COMMENT", ["note"] = "at the door", ["author"] = "driver" }));
        using var unknown = await Check(carrier, HttpMethod.Get, $"/tracking/hook/{CarrierClient.Servientrega}/CGM0000000000", hook, HttpStatusCode.NotFound);
        using var transition = await Check(carrier, HttpMethod.Patch, route, hook, HttpStatusCode.Conflict, CarrierClient.Status("DELIVERED"));
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
