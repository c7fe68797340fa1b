using Cargamos.Modular.Domain.Common;

namespace Cargamos.Modular.Domain.Shipments;

/// <summary>A carrier's or operator's status report: the status (optional) and the tracking facts that came with it.</summary>
public sealed record StatusReport(
    ShipmentStatus? Status,
    CourierAgent? Agent = null,
    TrackingDetails? Details = null,
    string? Comment = null);

/// <summary>
/// Pure decisions: (state, command values, now) -> events, or a <see cref="DomainRuleViolation"/>.
/// An empty list means "already so": the request is accepted and nothing is recorded.
/// </summary>
public static class ShipmentDecisions
{
    public const string InvalidTransition = "INVALID_STATUS_TRANSITION";

    public static ShipmentCreated Create(
        Guid shipmentId, string trackingId, string shipperId, string carrierId, DeliveryOrder order, Actor by, DateTimeOffset now,
        long? integrationLotId = null, string? zoneId = null, VtexService? vtex = null, ShipmentPrice? price = null, DeliveryWindow? window = null) =>
        new(shipmentId, trackingId, shipperId, carrierId, order, by, now, integrationLotId, zoneId, vtex, price, window);

    public static IReadOnlyList<IShipmentEvent> ReportStatus(Shipment state, StatusReport report, Actor by, DateTimeOffset now)
    {
        var events = new List<IShipmentEvent>();
        if (report.Status is { } target)
        {
            events.AddRange(target switch
            {
                ShipmentStatus.Canceled => Cancel(state, CancelType.Other, report.Comment, by, now),
                ShipmentStatus.OnHold => PutOnHold(state, HoldType.Other, report.Comment, by, now),
                _ => Move(state, target, report, by, now),
            });
        }

        var changes = state.Tracking.ChangesFrom(report.Details ?? TrackingDetails.None);
        var newAgent = report.Agent is not null && report.Agent != state.Agent
            && !events.OfType<ShipmentAssigned>().Any() ? report.Agent : null;
        if (changes is not null || newAgent is not null)
        {
            events.Add(new TrackingDetailsUpdated(changes ?? TrackingDetails.None, newAgent, by, now));
        }

        return events;
    }

    public static IReadOnlyList<IShipmentEvent> Cancel(Shipment state, CancelType type, string? comment, Actor by, DateTimeOffset now)
    {
        if (state.Status == ShipmentStatus.Canceled)
        {
            return [];
        }

        if (!ShipmentTransitions.AllowedTargets(state).Contains(ShipmentStatus.Canceled))
        {
            throw Refused(state, "CANCELED", ShipmentTransitions.InCustody(state)
                ? "the courier already picked the parcel: a picked parcel is returned (RETURNED), not canceled"
                : null);
        }

        return [new ShipmentCanceled(type, comment, by, now)];
    }

    public static IReadOnlyList<IShipmentEvent> PutOnHold(Shipment state, HoldType type, string? comment, Actor by, DateTimeOffset now)
    {
        if (state.Status == ShipmentStatus.OnHold)
        {
            return [];
        }

        if (!ShipmentTransitions.AllowedTargets(state).Contains(ShipmentStatus.OnHold))
        {
            throw Refused(state, "ON_HOLD");
        }

        return [new ShipmentPutOnHold(type, comment, by, now)];
    }

    public static IReadOnlyList<IShipmentEvent> Resume(Shipment state, string? comment, Actor by, DateTimeOffset now)
    {
        if (state.Status != ShipmentStatus.OnHold)
        {
            throw Refused(state, "resume", "only a shipment ON_HOLD can be resumed");
        }

        return [new ShipmentResumed(comment, by, now)];
    }

    public static IReadOnlyList<IShipmentEvent> AddNotes(IReadOnlyList<ShipmentNote> notes, Actor by, DateTimeOffset now) =>
        notes.Count == 0 ? [] : [new NoteAdded(notes, by, now)];

    public static IReadOnlyList<IShipmentEvent> AddEvidences(IReadOnlyList<ShipmentEvidence> evidences, Actor by, DateTimeOffset now) =>
        evidences.Count == 0 ? [] : [new EvidenceAdded(evidences, by, now)];

    /// <summary>
    /// A label the shipment already has is a retry: nothing recorded. Another label under an id it already has is refused
    /// (the VTEX protocol throws on a duplicate id): a label is not replaced in place; send it under a new id.
    /// </summary>
    public static IReadOnlyList<IShipmentEvent> AddLabel(Shipment state, ShipmentLabel label, Actor by, DateTimeOffset now)
    {
        if (state.Labels.Contains(label))
        {
            return [];
        }

        if (state.Labels.Any(l => l.Id == label.Id))
        {
            throw new DomainRuleViolation("DUPLICATE_LABEL", "A label with this id already exists on the shipment.",
                $"The shipment already has a different label with id '{label.Id}'; labels are not replaced: send the new one under a new id.");
        }

        return [new LabelAdded(label, by, now)];
    }

    private static IEnumerable<IShipmentEvent> Move(Shipment state, ShipmentStatus target, StatusReport report, Actor by, DateTimeOffset now)
    {
        if (target == ShipmentStatus.Created)
        {
            throw Refused(state, target.ToCode(), "CREATED is only the first status of a shipment");
        }

        if (target == state.Status)
        {
            // A repeated status is an update, not a transition: only a new courier is news here.
            if (target == ShipmentStatus.Assigned && report.Agent is not null && report.Agent != state.Agent)
            {
                yield return new ShipmentAssigned(report.Agent, by, now);
            }

            yield break;
        }

        if (!ShipmentTransitions.AllowedTargets(state).Contains(target))
        {
            throw Refused(state, target.ToCode());
        }

        if (state.Status == ShipmentStatus.OnHold)
        {
            yield return new ShipmentResumed(report.Comment, by, now);
            if (target == state.HeldFrom)
            {
                yield break;
            }
        }

        yield return target switch
        {
            ShipmentStatus.Pending => new ShipmentAccepted(by, now),
            ShipmentStatus.Assigned => new ShipmentAssigned(report.Agent, by, now),
            ShipmentStatus.Picked => new ShipmentPicked(by, now),
            ShipmentStatus.OnRoute => new ShipmentWentOnRoute(by, now),
            ShipmentStatus.Incident => new IncidentReported(report.Comment, by, now),
            ShipmentStatus.Returned => new ShipmentReturned(report.Comment, by, now),
            ShipmentStatus.Delivered => new ShipmentDelivered(by, now),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
        };
    }

    private static DomainRuleViolation Refused(Shipment state, string requested, string? why = null)
    {
        if (state.Status.IsFinal())
        {
            why = why is null ? $"{state.Status.ToCode()} is final" : $"{state.Status.ToCode()} is final and {why}";
        }

        return new(InvalidTransition,
            "The requested status change is not allowed for the shipment's current status.",
            $"Cannot change the shipment from {state.Status.ToCode()} to {requested}"
            + (why is null ? "." : $": {why}.")
            + $" Allowed next statuses: {Describe(ShipmentTransitions.AllowedTargets(state))}.");
    }

    private static string Describe(IReadOnlySet<ShipmentStatus> targets) =>
        targets.Count == 0 ? "none" : string.Join(", ", targets.Order().Select(s => s.ToCode()));
}
