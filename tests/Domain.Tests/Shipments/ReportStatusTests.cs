using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class ReportStatusTests
{
    private static readonly ShipmentStatus[] Reportable =
    [
        ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.OnRoute,
        ShipmentStatus.Incident, ShipmentStatus.Returned, ShipmentStatus.Delivered,
    ];

    public static TheoryData<ShipmentStatus, ShipmentStatus> FinalToAnyOther()
    {
        var data = new TheoryData<ShipmentStatus, ShipmentStatus>();
        foreach (var final in new[] { ShipmentStatus.Delivered, ShipmentStatus.Returned, ShipmentStatus.Canceled })
        {
            foreach (var target in Reportable.Where(t => t != final))
            {
                data.Add(final, target);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FinalToAnyOther))]
    public void GivenFinalShipment_WhenReportAnotherStatus_ThenRejectedAsFinal(ShipmentStatus final, ShipmentStatus target)
    {
        var state = Given.In(final).State;

        var refusal = Then.Refused(() => ShipmentDecisions.ReportStatus(state, new StatusReport(target), When.By, When.Now));

        Then.Mentions(refusal.Details, final.ToCode());
        Then.Mentions(refusal.Details, target.ToCode());
        Assert.Contains($"{final.ToCode()} is final", refusal.Details);
    }

    [Fact]
    public void GivenDeliveredShipment_WhenReportDeliveredAgain_ThenNothingRecorded()
    {
        var state = Given.Delivered().State;

        Assert.Empty(ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Delivered), When.By, When.Now));
    }

    [Fact]
    public void GivenOnRouteShipment_WhenReportOnRouteWithNewTrackingDetails_ThenOneTrackingDetailsUpdatedWithOnlyTheChangedFields()
    {
        var state = Given.OnRoute()
            .Track(new TrackingDetails(TrackingUrl: "https://t/old", TotalDistanceTraveled: 5, Rating: 4.5m))
            .State;
        var report = new StatusReport(
            ShipmentStatus.OnRoute,
            Details: new TrackingDetails(TrackingUrl: "https://t/new", TotalDistanceTraveled: 12, Rating: 4.5m));

        var events = ShipmentDecisions.ReportStatus(state, report, When.By, When.Now);

        var updated = Assert.IsType<TrackingDetailsUpdated>(Assert.Single(events));
        Assert.Equal(new TrackingDetails(TrackingUrl: "https://t/new", TotalDistanceTraveled: 12), updated.Changes);
        Assert.Null(updated.Agent);
        Assert.Equal(When.By, updated.By);
        Assert.Equal(When.Now, updated.At);

        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.OnRoute, after.Status);
        Assert.Equal(new TrackingDetails(TrackingUrl: "https://t/new", TotalDistanceTraveled: 12, Rating: 4.5m), after.Tracking);
    }

    [Fact]
    public void GivenOnRouteShipment_WhenReportOnRouteWithTheSameTrackingDetails_ThenNothingRecorded()
    {
        var details = new TrackingDetails(TrackingUrl: "https://t/1", TotalDistanceTraveled: 5);
        var state = Given.OnRoute().Track(details).State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.OnRoute, Details: details), When.By, When.Now);

        Assert.Empty(events);
    }

    [Fact]
    public void GivenPickedShipment_WhenReportOnRouteWithTrackingDetails_ThenWentOnRouteThenTrackingDetailsUpdated()
    {
        var state = Given.Picked().State;
        var report = new StatusReport(ShipmentStatus.OnRoute, Details: new TrackingDetails(TrackingUrl: "https://t/1"));

        var events = ShipmentDecisions.ReportStatus(state, report, When.By, When.Now);

        Assert.Equal(new[] { typeof(ShipmentWentOnRoute), typeof(TrackingDetailsUpdated) }, events.Select(e => e.GetType()).ToArray());
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.OnRoute, after.Status);
        Assert.Equal("https://t/1", after.Tracking.TrackingUrl);
    }

    [Fact]
    public void GivenAssignedShipment_WhenReportAssignedWithAnotherAgent_ThenShipmentAssignedRecorded()
    {
        var state = Given.Assigned().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Assigned, Agent: Given.OtherAgent), When.By, When.Now);

        Assert.Equal(new ShipmentAssigned(Given.OtherAgent, When.By, When.Now), Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Assigned, after.Status);
        Assert.Equal(Given.OtherAgent, after.Agent);
    }

    [Fact]
    public void GivenAssignedShipment_WhenReportAssignedWithTheSameAgent_ThenNothingRecorded()
    {
        var state = Given.Assigned().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Assigned, Agent: Given.Agent with { }), When.By, When.Now);

        Assert.Empty(events);
    }

    [Fact]
    public void GivenShipmentOnHoldFromAssigned_WhenReportPicked_ThenResumedThenPicked()
    {
        var state = Given.Assigned().PutOnHold().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Picked), When.By, When.Now);

        Assert.Equal(new[] { typeof(ShipmentResumed), typeof(ShipmentPicked) }, events.Select(e => e.GetType()).ToArray());
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Picked, after.Status);
        Assert.Null(after.HeldFrom);
    }

    [Fact]
    public void GivenShipmentOnHoldFromAssigned_WhenReportAssigned_ThenOnlyResumed()
    {
        var state = Given.Assigned().PutOnHold().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Assigned), When.By, When.Now);

        Assert.IsType<ShipmentResumed>(Assert.Single(events));
        Assert.Equal(ShipmentStatus.Assigned, Then.Evolved(state, events).Status);
    }

    [Fact]
    public void GivenShipmentOnHoldFromPicked_WhenReportPending_ThenRejectedNamingBothStatuses()
    {
        var state = Given.Picked().PutOnHold().State;

        var refusal = Then.Refused(() => ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Pending), When.By, When.Now));

        Then.Mentions(refusal.Details, "ON_HOLD");
        Then.Mentions(refusal.Details, "PENDING");
    }

    [Fact]
    public void GivenIncidentFromOnRoute_WhenReportOnRoute_ThenBackOnRoute()
    {
        var state = Given.OnRoute().ReportIncident().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.OnRoute), When.By, When.Now);

        Assert.IsType<ShipmentWentOnRoute>(Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.OnRoute, after.Status);
        Assert.Null(after.IncidentFrom);
    }

    [Fact]
    public void GivenOnRouteShipment_WhenReportIncident_ThenIncidentRecordedWithItsDescriptionRememberingOnRoute()
    {
        var state = Given.OnRoute().State;

        var events = ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Incident, Comment: "address not found"), When.By, When.Now);

        Assert.Equal(new IncidentReported("address not found", When.By, When.Now), Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Incident, after.Status);
        Assert.Equal(ShipmentStatus.OnRoute, after.IncidentFrom);
    }

    [Fact]
    public void GivenOnRouteShipment_WhenReportPending_ThenRejectedNamingBothStatusesInWireForm()
    {
        var state = Given.OnRoute().State;

        var refusal = Then.Refused(() => ShipmentDecisions.ReportStatus(state, new StatusReport(ShipmentStatus.Pending), When.By, When.Now));

        Then.Mentions(refusal.Details, "ON_ROUTE");
        Then.Mentions(refusal.Details, "PENDING");
    }
}
