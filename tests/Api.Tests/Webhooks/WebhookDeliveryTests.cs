using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Domain.Webhooks;
using static Cargamos.Modular.Api.Tests.Vtex.CarrierClient;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>Webhook messages end to end: the API records status changes, the dispatcher posts them to a real HTTP receiver.</summary>
public sealed class WebhookDeliveryTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private async Task<HttpClient> Carrier() => await api.AsCarrier(ServientregaKey);

    private static async Task Move(HttpClient carrier, string trackingId, string status, JsonObject? extra = null)
    {
        var body = Status(status);
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        using var response = await carrier.Patch(Servientrega, trackingId, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{status}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    // An independent implementation of the Standard Webhooks signature, so the test does not trust the code under test.
    private static bool Verifies(string secret, ReceivedRequest request, string? body = null)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}.{body ?? request.Body}")));
        return request.Signature!.Split(' ').Contains(expected);
    }

    [Fact]
    public async Task Created_is_delivered_signed_with_the_secret_and_a_tampered_body_does_not_verify()
    {
        var (_, shipper) = await api.NewShipper();
        var secret = await shipper.Register(receiver.Url, "CREATED");
        var trackingId = Orders.Unique("WH");
        var (shipmentId, _) = await shipper.IntegrateOk(Orders.Valid(trackingId));

        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the CREATED message");
        var request = receiver.Delivered[0];

        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);
        Assert.True(Verifies(secret, request));
        Assert.True(WebhookSignature.Verify(secret, request.Id!, long.Parse(request.Timestamp!), request.Body, request.Signature!));
        Assert.False(Verifies(secret, request, request.Body.Replace("\"CREATED\"", "\"DELIVERED\"")));
        Assert.False(Verifies(WebhookSignature.NewSecret(), request));
        Assert.InRange(long.Parse(request.Timestamp!), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var json = request.Json;
        Assert.Equal(new[] { "id", "type", "timestamp", "data" }, json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(request.Id, json.GetProperty("id").GetString());
        Assert.Equal("shipment.status_changed", json.GetProperty("type").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(new[] { "shipmentId", "trackingId", "shipperTrackingId", "trackingUrl", "state", "previousState", "occurredAt", "version", "details" },
            data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(shipmentId, data.GetProperty("shipmentId").GetGuid());
        Assert.Equal(trackingId, data.GetProperty("trackingId").GetString());
        Assert.Equal(trackingId, data.GetProperty("shipperTrackingId").GetString());
        // The public tracking page, on the listening address: the test host sets no Labels:PublicBaseUrl.
        Assert.Equal($"http://127.0.0.1:5080/t/{trackingId}", data.GetProperty("trackingUrl").GetString());
        Assert.Equal("CREATED", data.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("previousState").ValueKind);
        Assert.Equal(1, data.GetProperty("version").GetInt64());
        Assert.Equal("SHIPPER", data.GetProperty("details").GetProperty("actor").GetString());
        Assert.Equal(Servientrega, data.GetProperty("details").GetProperty("carrierId").GetString());
    }

    [Fact]
    public async Task Only_the_chosen_states_arrive_in_version_order_and_other_facts_send_nothing()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "PENDING", "ON_ROUTE", "DELIVERED");
        var (shipmentId, trackingId) = await shipper.IntegrateOk();
        var carrier = await Carrier();

        await Move(carrier, trackingId, "PENDING");
        await Move(carrier, trackingId, "ASSIGNED", new JsonObject { ["agent"] = new JsonObject { ["id"] = "pedro1", ["name"] = "Pedro" } });
        using (var notes = await carrier.Hook("notes", Servientrega, trackingId, JsonNode.Parse("""[{"type":"COMMENT","note":"En camino","author":"Pedro"}]""")!))
        {
            Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        }

        await Move(carrier, trackingId, "PICKED", new JsonObject { ["trackingUrl"] = "https://track.example/1" });
        await Move(carrier, trackingId, "ON_ROUTE");
        await Move(carrier, trackingId, "ON_ROUTE", new JsonObject { ["totalDistanceTraveled"] = 12 });
        await Move(carrier, trackingId, "DELIVERED");

        await WebhookKit.Until(() => receiver.Delivered.Count == 3, "three messages");
        var versions = await api.EventVersions(shipmentId);
        var received = receiver.Delivered.Select(r => r.Data).ToList();
        Assert.Equal(new[] { "PENDING", "ON_ROUTE", "DELIVERED" }, received.Select(d => d.GetProperty("state").GetString()).ToArray());
        Assert.Equal(new[] { "CREATED", "PICKED", "ON_ROUTE" }, received.Select(d => d.GetProperty("previousState").GetString()).ToArray());
        Assert.Equal(new[] { "ShipmentAccepted", "ShipmentWentOnRoute", "ShipmentDelivered" },
            received.Select(d => versions[d.GetProperty("version").GetInt64()]).ToArray());
        Assert.Equal("CARRIER", received[0].GetProperty("details").GetProperty("actor").GetString());

        // Nothing else was recorded: the notes, the tracking details and the unchosen states produced no message.
        Assert.Equal(3, (await api.Outbox(key)).Count);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Hold_and_an_implicit_resume_are_transitions_with_the_held_status_remembered()
    {
        var (_, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url);
        var (_, trackingId) = await shipper.IntegrateOk();
        var carrier = await Carrier();

        await Move(carrier, trackingId, "PENDING");
        using (var hold = await carrier.Hook("on-hold", Servientrega, trackingId, new JsonObject { ["type"] = "END_CLIENT_PAUSE", ["comment"] = "Cliente de viaje" }))
        {
            Assert.Equal(HttpStatusCode.OK, hold.StatusCode);
        }

        // ASSIGNED while held: ShipmentResumed (back to PENDING) then ShipmentAssigned, in one transaction.
        await Move(carrier, trackingId, "ASSIGNED", new JsonObject { ["agent"] = new JsonObject { ["id"] = "ana", ["name"] = "Ana", ["vehicle"] = "BIKE" } });

        await WebhookKit.Until(() => receiver.Delivered.Count == 5, "five messages");
        var data = receiver.Delivered.Select(r => r.Data).ToList();
        Assert.Equal(new[] { "CREATED", "PENDING", "ON_HOLD", "PENDING", "ASSIGNED" }, data.Select(d => d.GetProperty("state").GetString()).ToArray());
        Assert.Equal(new[] { null, "CREATED", "PENDING", "ON_HOLD", "PENDING" }, data.Select(d => d.GetProperty("previousState").GetString()).ToArray());
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, data.Select(d => d.GetProperty("version").GetInt64()).ToArray());
        Assert.Equal("END_CLIENT_PAUSE", data[2].GetProperty("details").GetProperty("type").GetString());
        Assert.Equal("Cliente de viaje", data[2].GetProperty("details").GetProperty("comment").GetString());
        Assert.True(data[3].GetProperty("details").GetProperty("resumed").GetBoolean());
        Assert.Equal("BIKE", data[4].GetProperty("details").GetProperty("agent").GetProperty("vehicle").GetString());
    }

    [Fact]
    public async Task A_500_is_retried_and_the_next_version_of_the_shipment_waits_for_it()
    {
        var (_, shipper) = await api.NewShipper();
        receiver.Script(new Answer(500), new Answer(500));
        await shipper.Register(receiver.Url, "CREATED", "PENDING", "CANCELED");
        var (shipmentId, trackingId) = await shipper.IntegrateOk();
        var carrier = await Carrier();
        await Move(carrier, trackingId, "PENDING");
        using (var cancel = await shipper.PostAsync($"/v1/shipments/{shipmentId}/cancel", Orders.Body(new JsonObject { ["comment"] = "ya no" })))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        await WebhookKit.Until(() => receiver.Delivered.Count == 3, "three messages");
        var wire = receiver.Requests;
        Assert.Equal(new[] { 500, 500, 200, 200, 200 }, wire.Select(r => r.Answered).ToArray());
        Assert.Equal(new[] { "CREATED", "CREATED", "CREATED", "PENDING", "CANCELED" }, wire.Select(r => r.State).ToArray());
        Assert.Single(wire.Take(3).Select(r => r.Id).Distinct()); // the same webhook-id on every retry

        await WebhookKit.Until(async () => (await shipper.Deliveries("&status=DELIVERED")).Length == 3, "three DELIVERED in the log");
        var created = (await shipper.Deliveries()).Single(d => d.GetProperty("payload").GetProperty("data").GetProperty("state").GetString() == "CREATED");
        Assert.Equal("DELIVERED", created.GetProperty("status").GetString());
        var attempts = created.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal(new int?[] { 500, 500, 200 }, attempts.Select(a => a.GetProperty("httpStatus").GetInt32()).Cast<int?>().ToArray());
        Assert.StartsWith("HTTP 500", attempts[0].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, attempts[2].GetProperty("error").ValueKind);
        Assert.All(attempts, a => Assert.True(a.GetProperty("durationMs").GetInt32() >= 0));
    }

    [Fact]
    public async Task Retry_after_in_seconds_or_as_a_date_is_honoured()
    {
        var (_, shipper) = await api.NewShipper();
        var retryDate = DateTimeOffset.UtcNow.AddSeconds(5).ToString("R");
        receiver.Script(new Answer(429, RetryAfter: "2"), new Answer(503, RetryAfter: retryDate));
        await shipper.Register(receiver.Url, "CREATED");
        await shipper.IntegrateOk();

        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the message after two refusals", TimeSpan.FromSeconds(20));
        var wire = receiver.Requests;
        Assert.Equal(new[] { 429, 503, 200 }, wire.Select(r => r.Answered).ToArray());

        // Without Retry-After the retries would come after 50 and 100 ms.
        Assert.True(wire[1].At - wire[0].At >= TimeSpan.FromSeconds(2), $"second attempt {(wire[1].At - wire[0].At).TotalMilliseconds} ms after the first");

        var notBefore = DateTimeOffset.Parse(retryDate, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(wire[2].At >= notBefore, $"third attempt at {wire[2].At:O}, Retry-After said {retryDate}");
    }

    [Fact]
    public async Task Gone_disables_the_webhook_fails_its_messages_and_resume_delivers_again()
    {
        var (key, shipper) = await api.NewShipper();
        // The first answer takes a second, so the PENDING below is recorded (behind CREATED) before the webhook is disabled.
        receiver.Respond = (_, _) => new Answer(410, Delay: TimeSpan.FromSeconds(1));
        await shipper.Register(receiver.Url);
        var (_, trackingId) = await shipper.IntegrateOk();
        var carrier = await Carrier();
        await Move(carrier, trackingId, "PENDING");

        await WebhookKit.Until(async () => (await shipper.Get("/v1/webhook")).GetProperty("status").GetString() == "DISABLED", "the webhook disabled");
        await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "FAILED"), "every message failed");
        var webhook = await shipper.Get("/v1/webhook");
        Assert.Contains("410 Gone", webhook.GetProperty("disabledReason").GetString());
        var failed = await shipper.Deliveries("&status=FAILED");
        Assert.Equal(2, failed.Length);
        Assert.Single(receiver.Requests);

        // Disabled: nothing new is recorded.
        await Move(carrier, trackingId, "ASSIGNED", new JsonObject { ["agent"] = new JsonObject { ["id"] = "x", ["name"] = "X" } });
        Assert.Equal(2, (await api.Outbox(key)).Count);

        receiver.Respond = (_, _) => Answer.Ok;
        var resumed = await shipper.Post("/v1/webhook/resume");
        Assert.Equal("ACTIVE", resumed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("disabledReason").ValueKind);
        await Move(carrier, trackingId, "PICKED");
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the message after resume");
        Assert.Equal("PICKED", receiver.Delivered[0].State);
    }

    [Fact]
    public async Task Receiver_down_then_up_every_message_arrives_once_by_webhook_id_and_at_least_once_on_the_wire()
    {
        var (key, shipper) = await api.NewShipper();
        receiver.Respond = (_, _) => new Answer(Drop: true);
        await shipper.Register(receiver.Url, "CREATED", "PENDING");

        // Set up straight through the event store: the retry budget of the test schedule (about 4 s) starts now.
        var shipments = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            shipments.Add((await api.Shipment(key, null, ShipmentStatus.Pending)).TrackingId);
        }

        // First the connection is dropped mid-request, then nothing listens at all, then the receiver is back.
        await WebhookKit.Until(() => receiver.Requests.Count >= 5, "attempts on a dropping receiver");
        await receiver.StopAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the outage itself: attempts in it are refused, not observable here
        receiver.Respond = (_, _) => Answer.Ok;
        await receiver.RestartAsync();

        await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "every message delivered", TimeSpan.FromSeconds(30));
        var outbox = await api.Outbox(key);
        Assert.Equal(10, outbox.Count);
        Assert.Equal(outbox.Select(m => m.Id.ToString()).Order(), receiver.Delivered.Select(r => r.Id!).Order());
        Assert.True(receiver.Requests.Count > 10, "the dropped attempts were on the wire too");
        // Every CREATED needed retries; each PENDING waited behind its shipment's CREATED, so it may have gone through at once.
        // Counted from the attempts log: when the failures open the webhook's breaker, a probe's failure is logged but not
        // counted against its message's schedule (docs/adr/005-webhook-breaker.md).
        var attempted = await api.AttemptRows(key);
        Assert.True(outbox.Count(m => attempted[m.Id] >= 2) >= 5, string.Join(", ", outbox.Select(m => attempted[m.Id])));
        foreach (var trackingId in shipments)
        {
            var states = receiver.Delivered.Where(r => r.Data.GetProperty("trackingId").GetString() == trackingId).Select(r => r.State).ToArray();
            Assert.Equal(new[] { "CREATED", "PENDING" }, states);
        }
    }

    [Fact]
    public async Task After_the_last_attempt_a_message_fails_and_can_be_redelivered()
    {
        var (_, shipper) = await api.NewShipper();
        receiver.Respond = (_, _) => new Answer(500);
        await shipper.Register(receiver.Url, "CREATED");
        await shipper.IntegrateOk();

        await WebhookKit.Until(async () => (await shipper.Deliveries("&status=FAILED")).Length == 1, "the message failed", TimeSpan.FromSeconds(30));
        var failed = (await shipper.Deliveries("&status=FAILED")).Single();
        Assert.Equal(10, failed.GetProperty("attempts").GetArrayLength());
        Assert.Equal(10, receiver.Requests.Count);
        Assert.Contains("Last attempt", failed.GetProperty("lastError").GetString());

        receiver.Respond = (_, _) => Answer.Ok;
        var id = failed.GetProperty("id").GetString();
        using var redeliver = await shipper.PostAsync($"/v1/webhook/deliveries/{id}/redeliver", null);
        var queued = await redeliver.Data(HttpStatusCode.Accepted);
        Assert.Contains(queued.GetProperty("status").GetString(), new[] { "PENDING", "SENDING", "DELIVERED" }); // the dispatcher may be quicker than the answer
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the redelivered message");
        Assert.Equal(id, receiver.Delivered[0].Id);
        Assert.Equal(receiver.Requests[0].Body, receiver.Delivered[0].Body);
        await WebhookKit.Until(async () => (await shipper.Deliveries("&status=DELIVERED")).Length == 1, "delivered in the log");
        Assert.Equal(11, (await shipper.Deliveries()).Single().GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task Suspended_webhooks_accumulate_nothing_and_resume_does_not_replay()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED", "PENDING");
        var suspended = await shipper.Post("/v1/webhook/suspend");
        Assert.Equal("SUSPENDED", suspended.GetProperty("status").GetString());

        var (_, trackingId) = await shipper.IntegrateOk();
        Assert.Empty(await api.Outbox(key));
        using (var test = await shipper.PostAsync("/v1/webhook/test", null))
        {
            var body = await test.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT");
            Assert.Equal("WEBHOOK_NOT_ACTIVE", body.Error().Str("code"));
        }

        Assert.Equal("ACTIVE", (await shipper.Post("/v1/webhook/resume")).GetProperty("status").GetString());
        await Move(await Carrier(), trackingId, "PENDING");
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the message after resume");
        Assert.Single(await api.Outbox(key)); // the CREATED of the suspended period was never recorded, so it cannot be replayed
        Assert.Single(receiver.Requests);
        Assert.Equal("PENDING", receiver.Delivered[0].State);
        Assert.Equal("CREATED", receiver.Delivered[0].Data.GetProperty("previousState").GetString());
    }

    [Fact]
    public async Task A_suspension_parks_the_messages_waiting_to_be_retried_and_the_resume_sends_them_at_once()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED");
        receiver.Script(new Answer(500));
        await shipper.IntegrateOk();
        await WebhookKit.Until(() => receiver.Requests.Count == 1, "the first, failed attempt");
        Assert.Equal("SUSPENDED", (await shipper.Post("/v1/webhook/suspend")).GetProperty("status").GetString());

        // Once due for its retry, the message is parked: no next attempt (no claim reads it) until the resume.
        await WebhookKit.Until(async () => (await shipper.Deliveries()).Single() is var d
            && d.GetProperty("status").GetString() == "PENDING" && d.GetProperty("nextAttemptAt").ValueKind == JsonValueKind.Null, "the message parked");
        await Task.Delay(TimeSpan.FromSeconds(1)); // a negative: retries of the test schedule would have come within it
        Assert.Single(receiver.Requests);

        Assert.Equal("ACTIVE", (await shipper.Post("/v1/webhook/resume")).GetProperty("status").GetString());
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the parked message after the resume", TimeSpan.FromSeconds(5));
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal("CREATED", receiver.Delivered[0].State);

        // Recorded with its batch's deliveries, right after the receiver answered.
        await WebhookKit.Until(async () => Assert.Single(await api.Outbox(key)).State == "DELIVERED", "the delivery recorded");
    }

    [Fact]
    public async Task Rotate_secret_signs_with_both_secrets_during_the_overlap()
    {
        var (_, shipper) = await api.NewShipper();
        var first = await shipper.Register(receiver.Url, "CREATED");
        var rotated = await shipper.Post("/v1/webhook/rotate-secret");
        var second = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(first, second);
        Assert.InRange(rotated.GetProperty("previousSecretExpiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(23.9), DateTimeOffset.UtcNow.AddHours(24.1));
        var webhook = await shipper.Get("/v1/webhook");
        Assert.False(webhook.TryGetProperty("secret", out _));
        Assert.Equal(rotated.GetProperty("previousSecretExpiresAt").GetDateTimeOffset(), webhook.GetProperty("previousSecretExpiresAt").GetDateTimeOffset());

        await shipper.IntegrateOk();
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the message");
        var request = receiver.Delivered[0];
        Assert.Equal(2, request.Signature!.Split(' ').Length);
        Assert.True(Verifies(first, request));
        Assert.True(Verifies(second, request));
    }

    [Fact]
    public async Task A_test_event_goes_through_the_outbox_and_redelivery_sends_the_same_message_again()
    {
        var (_, shipper) = await api.NewShipper();
        var secret = await shipper.Register(receiver.Url, "DELIVERED");
        using var test = await shipper.PostAsync("/v1/webhook/test", null);
        var queued = await test.Data(HttpStatusCode.Accepted);
        var id = queued.GetProperty("id").GetString();
        Assert.Equal("webhook.test", queued.GetProperty("type").GetString());

        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the test event");
        Assert.Equal(id, receiver.Delivered[0].Id);
        Assert.Equal("webhook.test", receiver.Delivered[0].Json.GetProperty("type").GetString());
        Assert.True(Verifies(secret, receiver.Delivered[0]));
        await WebhookKit.Until(async () => (await shipper.Deliveries("&status=DELIVERED")).Length == 1, "delivered in the log");

        using var again = await shipper.PostAsync($"/v1/webhook/deliveries/{id}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await WebhookKit.Until(() => receiver.Requests.Count(r => r.Succeeded) == 2, "the redelivery");
        Assert.Equal(new[] { id, id }, receiver.Requests.Select(r => r.Id).ToArray());
        Assert.Equal(receiver.Requests[0].Body, receiver.Requests[1].Body);
        Assert.NotNull(receiver.Requests[1].Timestamp);
        Assert.True(Verifies(secret, receiver.Requests[1]));
    }

    [Fact]
    public async Task A_rolled_back_command_records_no_message()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED");
        var trackingId = Orders.Unique("DUP");
        await shipper.IntegrateOk(Orders.Valid(trackingId));
        using (var duplicate = await shipper.Integrate(Orders.Valid(trackingId)))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the first CREATED");
        Assert.Single(await api.Outbox(key)); // the refused duplicate's message was rolled back with its events
        Assert.Single(receiver.Requests);
    }
}
