using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Domain.Shipments;
using JasperFx.Events;
using Marten;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// The producing half of the outbox: before a session commits shipment events, it records one message per status
/// transition a shipper's active webhook asked for, with <c>QueueSqlCommand</c>, so the messages are written in the same
/// transaction as the events: a rolled-back command leaves none, a committed one cannot lose them. A NOTIFY in the same
/// transaction wakes the dispatchers when it commits.
/// </summary>
/// <remarks>
/// In Marten's default (Quick) append mode pending events have no version yet: a stream's version before this save is the
/// version <c>FetchForWriting</c> asserts (else the tracking read model's, which is the database state before this save),
/// and a new stream starts at 1. The state before the save is the aggregate the shipment store loaded for its decision
/// (<see cref="ShipmentsBeingWritten"/>: no read); for an append made otherwise, the tracking read model, read through a
/// separate query session so that an identity-map session, which already holds the inline projection's new document,
/// cannot hide it.
/// The shippers' webhooks are read from memory (<see cref="WebhookSubscriptionCache"/>). Each message carries the
/// shipment's public tracking page (<see cref="ITrackingPages"/>: the configured public address, never a request's host).
/// </remarks>
internal sealed class WebhookOutboxListener(TimeProvider clock, WebhookSubscriptionCache subscriptions, ITrackingPages trackingPages)
    : DocumentSessionListenerBase
{
    // While the webhook's breaker is open a new message waits for its probe time (no attempt before: see WebhookOutbox).
    private static readonly string Insert = $"""
        insert into {WebhookSchema.Messages} (id, shipper_id, shipment_id, version, type, payload, next_attempt_at)
        select ?, ?, ?, ?, ?, ?::json,
               coalesce((select b.open_until from {WebhookSchema.Breakers} b where b.shipper_id = ? and b.open_until > now()), now())
        """;

    private sealed record Plan(StreamAction Stream, string ShipperId, ShipmentIdentity Shipment, StatusPosition? Position, long Version);

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var streams = session.PendingChanges.Streams().Where(s => s.Events.Any(e => e.Data is IShipmentEvent)).ToList();
        if (streams.Count == 0)
        {
            return;
        }

        await using var reader = session.DocumentStore.QuerySession();
        var appended = streams.Where(s => s.ActionType == StreamActionType.Append).Select(s => s.Id).Distinct().ToArray();
        var loaded = appended.Select(id => ShipmentsBeingWritten.Find(session, id)).OfType<Shipment>().ToDictionary(s => s.Id);
        var unknown = appended.Where(id => !loaded.ContainsKey(id)).ToArray();
        var trackings = unknown.Length == 0
            ? new Dictionary<Guid, ShipmentTracking>()
            : (await reader.LoadManyAsync<ShipmentTracking>(token, unknown)).ToDictionary(t => t.Id);

        var plans = new List<Plan>();
        foreach (var stream in streams)
        {
            if (stream.ActionType == StreamActionType.Start && stream.Events[0].Data is ShipmentCreated created)
            {
                plans.Add(new Plan(stream, created.ShipperId,
                    new ShipmentIdentity(created.ShipmentId, created.TrackingId, created.Order.ShipperTrackingId), null, 0));
            }
            else if (loaded.TryGetValue(stream.Id, out var shipment))
            {
                plans.Add(new Plan(stream, shipment.ShipperId,
                    new ShipmentIdentity(shipment.Id, shipment.TrackingId, shipment.Order.ShipperTrackingId),
                    shipment.Position(), stream.ExpectedVersionOnServer ?? shipment.Version));
            }
            else if (trackings.TryGetValue(stream.Id, out var tracking))
            {
                plans.Add(new Plan(stream, tracking.ShipperId,
                    new ShipmentIdentity(tracking.Id, tracking.TrackingId, tracking.ShipperTrackingId),
                    tracking.Position(), stream.ExpectedVersionOnServer ?? tracking.Version));
            }
        }

        var shipperIds = plans.Select(p => p.ShipperId).Distinct().ToArray();
        var webhooks = new Dictionary<string, WebhookSubscription>();
        foreach (var shipperId in shipperIds)
        {
            if (await subscriptions.Get(shipperId, (id, ct) => reader.LoadAsync<WebhookSubscription>(id, ct), token) is { Status: WebhookStatus.Active } webhook)
            {
                webhooks.Add(shipperId, webhook);
            }
        }

        if (webhooks.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var recorded = 0;
        foreach (var plan in plans)
        {
            if (!webhooks.TryGetValue(plan.ShipperId, out var webhook))
            {
                continue;
            }

            var position = plan.Position;
            var version = plan.Version;
            foreach (var e in plan.Stream.Events)
            {
                version++;
                if (e.Data is not IShipmentEvent shipmentEvent)
                {
                    continue;
                }

                if (ShipmentStatusRule.Transition(position, shipmentEvent) is not { } transition)
                {
                    position = position is { } current ? ShipmentStatusRule.After(current, shipmentEvent) ?? current : null;
                    continue;
                }

                position = transition.Next;
                if (webhook.Wants(transition.Next.Status))
                {
                    var message = WebhookMessages.ForTransition(Guid.CreateVersion7(), now, plan.Shipment, transition, shipmentEvent, version,
                        trackingPages.Of(plan.Shipment.TrackingId));
                    session.QueueSqlCommand(Insert, message.Id, plan.ShipperId, plan.Shipment.ShipmentId, version, message.Type, message.Body, plan.ShipperId);
                    recorded++;
                }
            }
        }

        if (recorded > 0)
        {
            session.QueueSqlCommand($"notify {WebhookSchema.Channel}");
        }
    }
}

/// <summary>
/// The shippers' webhooks as the outbox listener reads them on every save carrying shipment events (a missing one
/// included), invalidated by <see cref="ReferenceDataChanges"/>. Edits read the document itself (optimistic concurrency). A singleton.
/// </summary>
internal sealed class WebhookSubscriptionCache(ReferenceDataChanges changes)
{
    private readonly ReferenceCache<string, WebhookSubscription?> subscriptions = changes.Cache<string, WebhookSubscription?>(typeof(WebhookSubscription));

    public Task<WebhookSubscription?> Get(string shipperId, Func<string, CancellationToken, Task<WebhookSubscription?>> load, CancellationToken ct) =>
        subscriptions.Get(shipperId, load, ct);
}
