using System.Collections.Immutable;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

/// <summary>
/// A shipment's history written as real events (ShipmentCreated, then the events that reach a status),
/// rebuilt with <see cref="Shipment.Replay"/>. Events are built directly, not through the decisions,
/// so the givens do not depend on the code under test.
/// </summary>
internal sealed class Given
{
    public static readonly Guid ShipmentId = Guid.Parse("0195f3a2-7c00-7000-8000-000000000001");
    public static readonly Actor Carrier = new(ActorKind.Carrier, "carrier-1", "Carrier One");
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly CourierAgent Agent = new("agent-1", "Ana", "ID-001", "+52 55 0000 0001", "ana@example.com", Vehicle.Scooter);
    public static readonly CourierAgent OtherAgent = new("agent-2", "Beto", "ID-002", null, null, Vehicle.Van);

    public static readonly DeliveryOrder Order = new(
        new RecipientLocation("MX", "CDMX", "Ciudad de México", "Cuauhtémoc", "Roma Norte", "Orizaba", "101", null, "06700", null, 19.41, -99.16),
        new RecipientInformation("Lucía Pérez", "+52 55 1234 5678", "lucia@example.com"),
        new PackageInformation(1.5m, new PackageDimensions(30m, 20m, 10m), 499.90m, "MXN", "Shoes", "1 pair", null),
        new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 3, 4, 20, 0, 0, TimeSpan.Zero),
        "SHIPPER-TRK-1",
        null);

    private readonly ImmutableList<object> events;

    private Given(ImmutableList<object> events) => this.events = events;

    public IReadOnlyList<object> Events => events;

    /// <summary>The state rebuilt from the events, as the event store would.</summary>
    public Shipment State => Shipment.Replay(events) ?? throw new InvalidOperationException("The history has no ShipmentCreated.");

    // Each given event happens one minute after the previous one.
    private DateTimeOffset Next => Start.AddMinutes(events.Count);

    public static Given Created() => new(ImmutableList.Create<object>(
        new ShipmentCreated(ShipmentId, "CGM-000001", "shipper-1", "carrier-1", Order, Carrier, Start)));

    public static Given Pending() => Created().Accept();

    public static Given Assigned() => Pending().Assign(Agent);

    public static Given Picked() => Assigned().Pick();

    public static Given OnRoute() => Picked().GoOnRoute();

    public static Given Delivered() => OnRoute().Deliver();

    public static Given Returned() => OnRoute().Return();

    public static Given Canceled() => Pending().Cancel();

    /// <summary>A shipment in <paramref name="status"/> reached by its ordinary path (INCIDENT from ON_ROUTE, ON_HOLD from ASSIGNED).</summary>
    public static Given In(ShipmentStatus status) => status switch
    {
        ShipmentStatus.Created => Created(),
        ShipmentStatus.Pending => Pending(),
        ShipmentStatus.Assigned => Assigned(),
        ShipmentStatus.Picked => Picked(),
        ShipmentStatus.OnRoute => OnRoute(),
        ShipmentStatus.Incident => OnRoute().ReportIncident(),
        ShipmentStatus.Returned => Returned(),
        ShipmentStatus.Delivered => Delivered(),
        ShipmentStatus.Canceled => Canceled(),
        ShipmentStatus.OnHold => Assigned().PutOnHold(),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public Given Then(Func<Actor, DateTimeOffset, object> happened) => new(events.Add(happened(Carrier, Next)));

    public Given Accept() => Then((by, at) => new ShipmentAccepted(by, at));

    public Given Assign(CourierAgent? agent) => Then((by, at) => new ShipmentAssigned(agent, by, at));

    public Given Pick() => Then((by, at) => new ShipmentPicked(by, at));

    public Given GoOnRoute() => Then((by, at) => new ShipmentWentOnRoute(by, at));

    public Given ReportIncident() => Then((by, at) => new IncidentReported("flat tyre", by, at));

    public Given Deliver() => Then((by, at) => new ShipmentDelivered(by, at));

    public Given Return() => Then((by, at) => new ShipmentReturned("recipient absent", by, at));

    public Given Cancel() => Then((by, at) => new ShipmentCanceled(CancelType.EndClientCanceled, null, by, at));

    public Given PutOnHold() => Then((by, at) => new ShipmentPutOnHold(HoldType.EndClientPause, null, by, at));

    public Given Resume() => Then((by, at) => new ShipmentResumed(null, by, at));

    public Given Track(TrackingDetails changes) => Then((by, at) => new TrackingDetailsUpdated(changes, null, by, at));

    public Given Note(params ShipmentNote[] notes) => Then((by, at) => new NoteAdded(notes, by, at));

    public Given Label(ShipmentLabel label) => Then((by, at) => new LabelAdded(label, by, at));
}

/// <summary>Who decides and when, in every "when": distinct from the givens' actor and times.</summary>
internal static class When
{
    public static readonly Actor By = new(ActorKind.Operator, "op-7", "Olga");
    public static readonly DateTimeOffset Now = new(2026, 3, 5, 18, 30, 0, TimeSpan.FromHours(-6));
}

internal static class Then
{
    /// <summary>The state after the decided events, through the aggregate's own Evolve.</summary>
    public static Shipment Evolved(Shipment state, IEnumerable<IShipmentEvent> events) =>
        events.Aggregate(state, (s, e) => Shipment.Evolve(s, e) ?? throw new InvalidOperationException("Evolve lost the shipment."));

    /// <summary>The decision was refused as an invalid status transition; returns the refusal.</summary>
    public static DomainRuleViolation Refused(Func<object> decide)
    {
        var refusal = Assert.Throws<DomainRuleViolation>(decide);
        Assert.Equal("INVALID_STATUS_TRANSITION", refusal.Code);
        return refusal;
    }

    /// <summary>The details name <paramref name="code"/> as a whole word (ON_HOLD, not ON_HOLDING).</summary>
    public static void Mentions(string details, string code) =>
        Assert.True(
            System.Text.RegularExpressions.Regex.IsMatch(
                details,
                $"(?<![A-Za-z_]){System.Text.RegularExpressions.Regex.Escape(code)}(?![A-Za-z_])"),
            $"Expected the details to mention '{code}', but they were: {details}");

    public static void ByAndAt(IEnumerable<IShipmentEvent> events)
    {
        Assert.All(events, e =>
        {
            Assert.Equal(When.By, e.By);
            Assert.Equal(When.Now, e.At);
        });
    }
}
