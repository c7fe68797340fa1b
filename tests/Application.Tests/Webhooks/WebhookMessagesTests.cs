using System.Text.Json;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Tests.Webhooks;

public sealed class WebhookMessagesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-28T10:00:05Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly ShipmentIdentity Shipment = new(Guid.Parse("01a22039-26f9-7ede-a540-fb060d22adb4"), "CGM7K2Q9XH4TD", "ORD-1");

    [Fact]
    public void A_cancel_is_written_exactly_as_documented()
    {
        var id = Guid.Parse("01a22039-3000-7000-8000-000000000001");
        var canceled = new ShipmentCanceled(CancelType.EndClientCanceled, "El cliente desistió",
            new Actor(ActorKind.Shipper, "demo-shipper/integrations@demo-shipper.mx"), DateTimeOffset.Parse("2026-11-28T04:00:00-06:00", System.Globalization.CultureInfo.InvariantCulture));
        var transition = new StatusTransition(ShipmentStatus.Pending, new StatusPosition(ShipmentStatus.Canceled, null));

        var message = WebhookMessages.ForTransition(id, Now, Shipment, transition, canceled, 3, "https://api.cargamos.mx/t/CGM7K2Q9XH4TD");

        Assert.Equal(id, message.Id);
        Assert.Equal("shipment.status_changed", message.Type);
        Assert.Equal(
            """{"id":"01a22039-3000-7000-8000-000000000001","type":"shipment.status_changed","timestamp":"2026-11-28T10:00:05+00:00","data":{"shipmentId":"01a22039-26f9-7ede-a540-fb060d22adb4","trackingId":"CGM7K2Q9XH4TD","shipperTrackingId":"ORD-1","trackingUrl":"https://api.cargamos.mx/t/CGM7K2Q9XH4TD","state":"CANCELED","previousState":"PENDING","occurredAt":"2026-11-28T10:00:00+00:00","version":3,"details":{"actor":"SHIPPER","type":"END_CLIENT_CANCELED","comment":"El cliente desistió"}}}""",
            message.Body);
    }

    [Fact]
    public void An_assignment_carries_the_courier()
    {
        var agent = new CourierAgent("pedro1", "Pedro", "89082480", "242424234", "pedro@example.mx", Vehicle.Scooter);
        var details = WebhookMessages.Details(new ShipmentAssigned(agent, new Actor(ActorKind.Carrier, "servientrega"), Now));

        Assert.Equal("""{"actor":"CARRIER","agent":{"id":"pedro1","name":"Pedro","identification":"89082480","phone":"242424234","email":"pedro@example.mx","vehicle":"SCOOTER"}}""",
            details.ToJsonString());
    }

    [Fact]
    public void A_test_message_names_the_shipper_and_url()
    {
        var message = WebhookMessages.ForTest(Guid.CreateVersion7(), Now, "demo-shipper", "https://hooks.example.mx/cargamos");
        var body = JsonDocument.Parse(message.Body).RootElement;

        Assert.Equal("webhook.test", body.GetProperty("type").GetString());
        Assert.Equal("demo-shipper", body.GetProperty("data").GetProperty("shipperId").GetString());
        Assert.Equal("https://hooks.example.mx/cargamos", body.GetProperty("data").GetProperty("url").GetString());
    }
}
