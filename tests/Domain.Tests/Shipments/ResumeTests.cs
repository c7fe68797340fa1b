using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class ResumeTests
{
    public static TheoryData<ShipmentStatus> NotOnHold() => new(Enum.GetValues<ShipmentStatus>().Where(s => s != ShipmentStatus.OnHold));

    public static TheoryData<ShipmentStatus> Finals() => new() { ShipmentStatus.Delivered, ShipmentStatus.Returned, ShipmentStatus.Canceled };

    [Fact]
    public void GivenShipmentOnHoldFromAssigned_WhenResume_ThenBackToAssignedWithItsCourier()
    {
        var state = Given.Assigned().PutOnHold().State;
        Assert.Equal(ShipmentStatus.Assigned, state.HeldFrom);

        var events = ShipmentDecisions.Resume(state, "client is back", When.By, When.Now);

        Assert.Equal(new ShipmentResumed("client is back", When.By, When.Now), Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Assigned, after.Status);
        Assert.Null(after.HeldFrom);
        Assert.Equal(Given.Agent, after.Agent);
    }

    [Fact]
    public void GivenShipmentOnHoldFromOnRoute_WhenResume_ThenBackToOnRoute()
    {
        var state = Given.OnRoute().PutOnHold().State;
        Assert.Equal(ShipmentStatus.OnRoute, state.HeldFrom);

        var after = Then.Evolved(state, ShipmentDecisions.Resume(state, null, When.By, When.Now));

        Assert.Equal(ShipmentStatus.OnRoute, after.Status);
        Assert.Null(after.HeldFrom);
    }

    [Fact]
    public void GivenShipmentOnHoldFromIncidentFromPicked_WhenResume_ThenBackToTheIncidentStillRememberingPicked()
    {
        var state = Given.Picked().ReportIncident().PutOnHold().State;

        var after = Then.Evolved(state, ShipmentDecisions.Resume(state, null, When.By, When.Now));

        Assert.Equal(ShipmentStatus.Incident, after.Status);
        Assert.Equal(ShipmentStatus.Picked, after.IncidentFrom);
        Assert.Null(after.HeldFrom);
    }

    [Theory]
    [MemberData(nameof(NotOnHold))]
    public void GivenShipmentNotOnHold_WhenResume_ThenRejected(ShipmentStatus status)
    {
        var state = Given.In(status).State;

        var refusal = Then.Refused(() => ShipmentDecisions.Resume(state, null, When.By, When.Now));

        Then.Mentions(refusal.Details, status.ToCode());
        Assert.Contains("resume", refusal.Details);
    }

    // The brief: final statuses refuse every transition and say so ("is final"); resume is one of the actions.
    [Theory]
    [MemberData(nameof(Finals))]
    public void GivenFinalShipment_WhenResume_ThenRejectedAsFinal(ShipmentStatus final)
    {
        var state = Given.In(final).State;

        var refusal = Then.Refused(() => ShipmentDecisions.Resume(state, null, When.By, When.Now));

        Then.Mentions(refusal.Details, final.ToCode());
        Assert.Contains($"{final.ToCode()} is final", refusal.Details);
    }
}
