using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Tests.Shipments;

public sealed class StatusFlowTests
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
        Assert.Equal(new StatusPosition(status, null), StatusFlow.After(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Created), e));
        Assert.Equal(new StatusTransition(ShipmentStatus.OnHold, new StatusPosition(status, null)),
            StatusFlow.Transition(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Created), e));
    }

    [Fact]
    public void A_hold_remembers_the_status_and_a_resume_returns_to_it()
    {
        var held = StatusFlow.After(new StatusPosition(ShipmentStatus.Picked, null), new ShipmentPutOnHold(HoldType.EndClientPause, null, By, At));
        Assert.Equal(new StatusPosition(ShipmentStatus.OnHold, ShipmentStatus.Picked), held);

        var resumed = StatusFlow.Transition(held, new ShipmentResumed(null, By, At));
        Assert.Equal(new StatusTransition(ShipmentStatus.OnHold, new StatusPosition(ShipmentStatus.Picked, null)), resumed);
    }

    [Fact]
    public void The_stream_starts_with_a_transition_to_CREATED_from_nothing()
    {
        var created = new ShipmentCreated(Guid.CreateVersion7(), "CGM1", "demo-shipper", "carrier", null!, By, At);
        Assert.Equal(new StatusTransition(null, new StatusPosition(ShipmentStatus.Created, null)), StatusFlow.Transition(null, created));
        Assert.Null(StatusFlow.Transition(null, new ShipmentAccepted(By, At)));
    }

    [Fact]
    public void Facts_that_do_not_change_the_status_are_no_transition()
    {
        var assigned = new StatusPosition(ShipmentStatus.Assigned, null);
        Assert.Null(StatusFlow.Transition(assigned, new ShipmentAssigned(Agent with { Id = "ana" }, By, At)));
        Assert.Null(StatusFlow.Transition(assigned, new NoteAdded([new ShipmentNote(NoteType.Comment, "hola", null)], By, At)));
        Assert.Null(StatusFlow.Transition(assigned, new TrackingDetailsUpdated(new TrackingDetails(TrackingUrl: "https://t"), null, By, At)));
        Assert.Null(StatusFlow.Transition(assigned, new EvidenceAdded([], By, At)));
        Assert.Null(StatusFlow.Transition(assigned, new LabelAdded(new ShipmentLabel("1", "https://l", "l", LabelType.Pdf), By, At)));
        Assert.Null(StatusFlow.After(assigned, new NoteAdded([], By, At)));
    }
}
