using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>What a shipment was when one of its status transitions happened.</summary>
internal sealed record ShipmentIdentity(Guid ShipmentId, string TrackingId, string? ShipperTrackingId);

/// <summary>One message to deliver: its id (the <c>webhook-id</c>), type and the exact body.</summary>
internal sealed record WebhookMessage(Guid Id, string Type, string Body);

/// <summary>
/// The bodies webhooks deliver (docs/webhooks.md): <c>{"id","type","timestamp","data"}</c>, camelCase, statuses and enum
/// values as the API writes them (ON_ROUTE, END_CLIENT_CANCELED), times in ISO 8601 UTC.
/// </summary>
internal static class WebhookMessages
{
    public const string StatusChanged = "shipment.status_changed";
    public const string Test = "webhook.test";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Spanish and Portuguese text stays readable; receivers get application/json.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The message for one status transition, caused by <paramref name="event"/> at stream version <paramref name="version"/>;
    /// <paramref name="trackingUrl"/> is the shipment's public tracking page.
    /// </summary>
    public static WebhookMessage ForTransition(
        Guid id, DateTimeOffset now, ShipmentIdentity shipment, StatusTransition transition, IShipmentEvent @event, long version, string trackingUrl)
    {
        var data = new JsonObject
        {
            ["shipmentId"] = shipment.ShipmentId,
            ["trackingId"] = shipment.TrackingId,
            ["shipperTrackingId"] = shipment.ShipperTrackingId,
            ["trackingUrl"] = trackingUrl,
            ["state"] = transition.Next.Status.ToCode(),
            ["previousState"] = transition.Previous?.ToCode(),
            ["occurredAt"] = @event.At.ToUniversalTime(),
            ["version"] = version,
            ["details"] = Details(@event),
        };
        return new WebhookMessage(id, StatusChanged, Envelope(id, StatusChanged, now, data));
    }

    /// <summary>A test message, sent through the same outbox as the real ones.</summary>
    public static WebhookMessage ForTest(Guid id, DateTimeOffset now, string shipperId, string url)
    {
        var data = new JsonObject
        {
            ["shipperId"] = shipperId,
            ["url"] = url,
            ["message"] = "This is a test event from Cargamos: your webhook receives and verifies our messages.",
        };
        return new WebhookMessage(id, Test, Envelope(id, Test, now, data));
    }

    /// <summary>
    /// What came with the transition. Always <c>actor</c> (who: SHIPPER, CARRIER, VTEX, OPERATOR, SYSTEM); then per state:
    /// CREATED carrierId and expectedDeliveryDate; ASSIGNED the courier agent; INCIDENT description; RETURNED reason;
    /// CANCELED and ON_HOLD type and comment; a resume (leaving ON_HOLD) resumed = true and comment.
    /// </summary>
    public static JsonObject Details(IShipmentEvent @event)
    {
        var details = new JsonObject { ["actor"] = Code(@event.By.Kind) };
        switch (@event)
        {
            case ShipmentCreated created:
                details["carrierId"] = created.CarrierId;
                details["expectedDeliveryDate"] = created.Order.ExpectedDeliveryDate.ToUniversalTime();
                break;
            case ShipmentAssigned assigned:
                details["agent"] = assigned.Agent is not { } agent ? null : new JsonObject
                {
                    ["id"] = agent.Id,
                    ["name"] = agent.Name,
                    ["identification"] = agent.Identification,
                    ["phone"] = agent.Phone,
                    ["email"] = agent.Email,
                    ["vehicle"] = agent.Vehicle is { } vehicle ? Code(vehicle) : null,
                };
                break;
            case IncidentReported incident:
                details["description"] = incident.Description;
                break;
            case ShipmentReturned returned:
                details["reason"] = returned.Reason;
                break;
            case ShipmentCanceled canceled:
                details["type"] = Code(canceled.Type);
                details["comment"] = canceled.Comment;
                break;
            case ShipmentPutOnHold held:
                details["type"] = Code(held.Type);
                details["comment"] = held.Comment;
                break;
            case ShipmentResumed resumed:
                details["resumed"] = true;
                details["comment"] = resumed.Comment;
                break;
        }

        return details;
    }

    private static string Envelope(Guid id, string type, DateTimeOffset now, JsonObject data) =>
        new JsonObject
        {
            ["id"] = id.ToString(),
            ["type"] = type,
            ["timestamp"] = now.ToUniversalTime(),
            ["data"] = data,
        }.ToJsonString(Json);

    private static string Code<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseUpper.ConvertName(value.ToString());
}
