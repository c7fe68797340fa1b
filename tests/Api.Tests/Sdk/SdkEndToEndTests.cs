using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Sdk;
using Cargamos.Sdk.Client.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cargamos.Modular.Api.Tests.Sdk;

/// <summary>The API with the demo rate card (quotes are priced) and the webhook timings of the tests.</summary>
public sealed class SdkApiFactory : WebhookApiFactory
{
    public SdkApiFactory() => Settings["Cargamos:SeedDemoRateCard"] = "true";

    protected override string DatabasePrefix => "sdk";
}

/// <summary>
/// A shipper's integration written with the C# SDK alone (sdk/dotnet): log in, register a webhook, quote, create an order,
/// read its tracking, cancel it, meet a typed error, verify the webhooks Cargamos delivered. The only other code is the
/// test's webhook receiver; the SDK's HttpClient reaches the in-memory API through the SDK's own handlers.
/// </summary>
public sealed class SdkEndToEndTests(SdkApiFactory api) : IClassFixture<SdkApiFactory>
{
    private static readonly CargamosCredentials DemoShipper = new("demo-shipper", "integrations@demo-shipper.mx", "demo-shipper-pass");

    private CargamosClient Client(TimeProvider? clock = null) =>
        CargamosClient.Create(api.CreateDefaultClient(new Uri("http://localhost/"), [.. CargamosClient.Handlers()]), DemoShipper, clock);

    [Fact]
    public async Task A_shipper_logs_in_quotes_creates_tracks_cancels_and_verifies_its_webhooks_with_the_sdk_only()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var cargamos = Client();

        var webhook = await cargamos.Api.V1.Webhook.PutAsync(new PutWebhookRequest
        {
            Url = receiver.Url, States = [ShipmentStatus.CREATED, ShipmentStatus.CANCELED], Description = "SDK test",
        });
        var secret = webhook!.Data!.Secret!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var order = Order(Orders.Unique("SDK"));
        var quote = await cargamos.Api.V1.Rates.PostAsync(new RateRequest
        {
            // A quote needs only where the parcel goes: country and postal code.
            RecipientLocation = new RateRequest_recipientLocation { Country = order.RecipientLocation!.Country, PostalCode = order.RecipientLocation.PostalCode },
            PackageInformation = order.PackageInformation, ShipperDropoffDate = order.ShipperDropoffDate,
        });
        Assert.Equal("MXN", quote!.Data!.Price!.Currency);
        Assert.True(quote.Data.Price.Total > 0);

        var created = (await cargamos.Api.V1.DeliveryOrders.PostAsync(order))!.Data!;
        Assert.Equal(order.ShipperTrackingId, created.TrackingId);
        Assert.Equal(quote.Data.Price.Total, created.Price!.Total);

        var tracking = (await cargamos.Api.V1.ShipmentTracking[created.TrackingId].GetAsync())!.Data!;
        Assert.Equal(created.ShipmentId, tracking.ShipmentId);
        Assert.Equal(ShipmentStatus.CREATED, tracking.Status);

        // The same shipperTrackingId again: the envelope as a typed exception.
        var duplicate = await Assert.ThrowsAsync<ErrorEnvelope>(() => cargamos.Api.V1.DeliveryOrders.PostAsync(order));
        Assert.Equal(409, duplicate.ResponseStatusCode);
        Assert.Equal("ALREADY_EXISTS", duplicate.Code);
        Assert.False(string.IsNullOrEmpty(duplicate.ProcessId));
        Assert.Contains("ALREADY_EXISTS", duplicate.Describe(), StringComparison.Ordinal);

        var canceled = (await cargamos.Api.V1.Shipments[created.ShipmentId!.Value.ToString()].Cancel.PostAsync(new CancelRequest
        {
            Type = CancelType.END_CLIENT_CANCELED, Comment = "Canceled through the SDK",
        }))!.Data!;
        Assert.Equal(created.ShipmentId, canceled.ShipmentId);
        var after = (await cargamos.Api.V1.ShipmentTracking[created.TrackingId].GetAsync())!.Data!;
        Assert.Equal(ShipmentStatus.CANCELED, after.Status);
        Assert.Equal(1, cargamos.Tokens.Logins);

        // What Cargamos delivered, verified as a receiver would: raw body and the three headers.
        await WebhookKit.Until(() => receiver.Delivered.Count(r => r.Body.Contains(created.TrackingId!, StringComparison.Ordinal)) >= 2, "CREATED and CANCELED delivered");
        var verifier = new WebhookVerifier(secret);
        var changes = receiver.Delivered.Where(r => r.Body.Contains(created.TrackingId!, StringComparison.Ordinal))
            .Select(r => verifier.Verify(r.Id, r.Timestamp, r.Signature, r.Body))
            .Select(m => m.StatusChange!)
            .ToList();
        Assert.Equal(new[] { "CREATED", "CANCELED" }, changes.Select(c => c.State).ToArray());
        Assert.All(changes, c => Assert.Equal(created.ShipmentId, c.ShipmentId));

        var delivered = receiver.Delivered[0];
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(delivered.Id, delivered.Timestamp, delivered.Signature, delivered.Body + " "));
        Assert.Throws<WebhookVerificationException>(() => new WebhookVerifier("whsec_" + Convert.ToBase64String(new byte[32]))
            .Verify(delivered.Id, delivered.Timestamp, delivered.Signature, delivered.Body));
        var late = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(delivered.Timestamp!, System.Globalization.CultureInfo.InvariantCulture)).AddMinutes(6));
        Assert.False(new WebhookVerifier(secret, clock: late).IsValid(delivered.Id, delivered.Timestamp, delivered.Signature, delivered.Body));
    }

    [Fact]
    public async Task The_idempotency_key_the_sdk_adds_or_the_caller_chooses_makes_a_retry_answer_the_first_order()
    {
        using var cargamos = Client();
        var key = Guid.NewGuid().ToString();
        var order = Order(null);

        var first = (await cargamos.Api.V1.DeliveryOrders.PostAsync(order, c => c.Headers.Add(IdempotencyKeyHandler.Header, key)))!.Data!;
        var retry = (await cargamos.Api.V1.DeliveryOrders.PostAsync(order, c => c.Headers.Add(IdempotencyKeyHandler.Header, key)))!.Data!;
        Assert.Equal(first.ShipmentId, retry.ShipmentId);

        // Without a key of the caller's, each call is a new order with a new key.
        var other = (await cargamos.Api.V1.DeliveryOrders.PostAsync(order))!.Data!;
        Assert.NotEqual(first.ShipmentId, other.ShipmentId);

        var reused = await Assert.ThrowsAsync<ErrorEnvelope>(() => cargamos.Api.V1.DeliveryOrders.PostAsync(Order(Orders.Unique("SDK")),
            c => c.Headers.Add(IdempotencyKeyHandler.Header, key)));
        Assert.Equal(422, reused.ResponseStatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", reused.Code);
    }

    [Fact]
    public async Task The_token_is_refreshed_before_it_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cargamos = Client(clock);

        await cargamos.Api.V1.Shipments.GetAsync();
        await cargamos.Api.V1.Shipments.GetAsync();
        Assert.Equal(1, cargamos.Tokens.Logins);
        Assert.Equal(clock.GetUtcNow().AddHours(1), cargamos.Tokens.ExpiresAt);

        clock.Advance(TimeSpan.FromMinutes(59)); // less than CargamosTokenProvider.RefreshBefore left
        await cargamos.Api.V1.Shipments.GetAsync();
        Assert.Equal(2, cargamos.Tokens.Logins);

        using var wrong = CargamosClient.Create(api.CreateDefaultClient(new Uri("http://localhost/"), [.. CargamosClient.Handlers()]),
            DemoShipper with { Password = "wrong" });
        var refused = await Assert.ThrowsAsync<ErrorEnvelope>(() => wrong.Api.V1.Shipments.GetAsync());
        Assert.Equal(401, refused.ResponseStatusCode);
    }

    /// <summary>A delivery order of the demo contract (Mexico City), as SDK models.</summary>
    private static DeliveryOrderRequest Order(string? shipperTrackingId)
    {
        var dropoff = Orders.NextOperatingDay();
        return new DeliveryOrderRequest
        {
            RecipientLocation = new RecipientLocationRequest
            {
                Country = "mx", State = "Ciudad de México", City = "Ciudad de México", Street = "Calle Orizaba", ExteriorNumber = "101", PostalCode = "06700",
            },
            RecipientInformation = new RecipientInformationRequest { Name = "María Pérez", Phone = "+52 55 1234 5678" },
            PackageInformation = new PackageInformationRequest
            {
                Weight = 1.5, Dimensions = new DimensionsRequest { Length = 30, Width = 20, Height = 12 }, DeclaredValue = 1200, Currency = "MXN",
                CartaPorte = new CartaPorteRequest { ProductKey = "53111600", UnitKey = "H87", Quantity = 1, HazardousMaterial = false },
            },
            ShipperDropoffDate = Orders.Iso(dropoff),
            ExpectedDeliveryDate = Orders.Iso(dropoff.AddDays(2).AddHours(8)),
            ShipperTrackingId = shipperTrackingId,
        };
    }
}
