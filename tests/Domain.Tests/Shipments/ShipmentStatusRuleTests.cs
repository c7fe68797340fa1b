using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class ShipmentStatusRuleTests
{
    private static readonly Actor By = Actor.System;
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly CourierAgent Agent = new("pedro1", "Pedro", null, null, null, Vehicle.Scooter);

    public static TheoryData<IShipmentEvent, ShipmentStatus> StatusEvents => new()
    {
        { new ShipmentAccepted(By, At), ShipmentStatus.Pending },
        { new ShipmentAssigned(Agent, By, At), ShipmentStatus.Assigned },
        { new ShipmentPicked(By, At), ShipmentStatus.Picked },
        { new ShipmentWentOnRoute(By, At), ShipmentStatus.OnRoute },
        { new IncidentReported("flat tire", By, At), ShipmentStatus.Incident },
        { new ShipmentReturned("nobody home", By, At), ShipmentStatus.Returned },
        { new ShipmentDelivered(By, At), ShipmentStatus.Delivered },
        { new ShipmentCanceled(CancelType.Other, null, By, At), ShipmentStatus.Canceled },
    };

    [Theory]
    [MemberData(nameof(StatusEvents))]
    public void Each_status_event_moves_to_its_status_and_forgets_a_hold(IShipmentEvent e, ShipmentStatus status)
    {
        // An incident remembers the status it interrupted (here the hold itself); any other move forgets both.
        var expected = new StatusPosition(status, null, status == ShipmentStatus.Incident ? ShipmentStatus.OnHold : null);
        var held = new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Created);

        Assert.Equal(expected, ShipmentStatusRule.After(held, e));
        Assert.Equal(new StatusTransition(ShipmentStatus.OnHold, expected), ShipmentStatusRule.Transition(held, e));
    }

    [Fact]
    public void An_incident_remembers_its_origin_and_a_second_one_keeps_it()
    {
        var incident = ShipmentStatusRule.After(new StatusPosition(ShipmentStatus.OnRoute), new IncidentReported("flat tire", By, At));
        Assert.Equal(new StatusPosition(ShipmentStatus.Incident, null, ShipmentStatus.OnRoute), incident);

        var again = new IncidentReported("and rain", By, At);
        Assert.Equal(incident, ShipmentStatusRule.After(incident!.Value, again));
        Assert.Null(ShipmentStatusRule.Transition(incident, again));
    }

    [Fact]
    public void A_hold_of_an_incident_resumes_to_the_incident_still_remembering_its_origin()
    {
        var incident = new StatusPosition(ShipmentStatus.Incident, null, ShipmentStatus.Picked);

        var held = ShipmentStatusRule.After(incident, new ShipmentPutOnHold(HoldType.Other, null, By, At));
        Assert.Equal(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Incident, ShipmentStatus.Picked), held);

        var resumed = ShipmentStatusRule.Transition(held, new ShipmentResumed(null, By, At));
        Assert.Equal(new StatusTransition(ShipmentStatus.OnHold, incident), resumed);
    }

    [Fact]
    public void Leaving_an_incident_forgets_where_it_came_from()
    {
        var incident = new StatusPosition(ShipmentStatus.Incident, null, ShipmentStatus.OnRoute);
        Assert.Equal(new StatusPosition(ShipmentStatus.OnRoute), ShipmentStatusRule.After(incident, new ShipmentWentOnRoute(By, At)));
    }

    [Fact]
    public void Replay_folds_a_stream_and_is_null_before_its_creation()
    {
        var created = new ShipmentCreated(Guid.CreateVersion7(), "CGM1", "demo-shipper", "carrier", null!, By, At);

        Assert.Null(ShipmentStatusRule.Replay([new ShipmentAccepted(By, At)]));
        Assert.Equal(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Pending), ShipmentStatusRule.Replay(
            [created, new ShipmentAccepted(By, At), new NoteAdded([], By, At), new ShipmentPutOnHold(HoldType.Other, null, By, At)]));
    }

    [Fact]
    public void A_hold_remembers_the_status_and_a_resume_returns_to_it()
    {
        var held = ShipmentStatusRule.After(new StatusPosition(ShipmentStatus.Picked, null), new ShipmentPutOnHold(HoldType.EndClientPause, null, By, At));
        Assert.Equal(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Picked), held);

        var resumed = ShipmentStatusRule.Transition(held, new ShipmentResumed(null, By, At));
        Assert.Equal(new StatusTransition(ShipmentStatus.OnHold, new StatusPosition(ShipmentStatus.Picked, null)), resumed);
    }

    [Fact]
    public void The_stream_starts_with_a_transition_to_CREATED_from_nothing()
    {
        var created = new ShipmentCreated(Guid.CreateVersion7(), "CGM1", "demo-shipper", "carrier", null!, By, At);
        Assert.Equal(new StatusTransition(null, new StatusPosition(ShipmentStatus.Created, null)), ShipmentStatusRule.Transition(null, created));
        Assert.Null(ShipmentStatusRule.Transition(null, new ShipmentAccepted(By, At)));
    }

    [Fact]
    public void Facts_that_do_not_change_the_status_are_no_transition()
    {
        var assigned = new StatusPosition(ShipmentStatus.Assigned, null);
        Assert.Null(ShipmentStatusRule.Transition(assigned, new ShipmentAssigned(Agent with { Id = "ana" }, By, At)));
        Assert.Null(ShipmentStatusRule.Transition(assigned, new NoteAdded([new ShipmentNote(NoteType.Comment, "hola", null)], By, At)));
        Assert.Null(ShipmentStatusRule.Transition(assigned, new TrackingDetailsUpdated(new TrackingDetails(TrackingUrl: "https://t"), null, By, At)));
        Assert.Null(ShipmentStatusRule.Transition(assigned, new EvidenceAdded([], By, At)));
        Assert.Null(ShipmentStatusRule.Transition(assigned, new LabelAdded(new ShipmentLabel("1", "https://l", "l", LabelType.Pdf), By, At)));
        Assert.Null(ShipmentStatusRule.After(assigned, new NoteAdded([], By, At)));
    }
}
