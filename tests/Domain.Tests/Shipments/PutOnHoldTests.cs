using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class PutOnHoldTests
{
    public static TheoryData<ShipmentStatus> Finals() => new() { ShipmentStatus.Delivered, ShipmentStatus.Returned, ShipmentStatus.Canceled };

    [Fact]
    public void GivenAssignedShipment_WhenPutOnHold_ThenHoldRecordedRememberingAssigned()
    {
        var state = Given.Assigned().State;

        var events = ShipmentDecisions.PutOnHold(state, HoldType.EndClientPause, "client travelling", When.By, When.Now);

        Assert.Equal(new ShipmentPutOnHold(HoldType.EndClientPause, "client travelling", When.By, When.Now), Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.OnHold, after.Status);
        Assert.Equal(ShipmentStatus.Assigned, after.HeldFrom);
        Assert.Equal(Given.Agent, after.Agent);
    }

    [Fact]
    public void GivenIncidentFromOnRoute_WhenPutOnHold_ThenHoldRemembersTheIncidentAndItsOrigin()
    {
        var state = Given.OnRoute().ReportIncident().State;

        var after = Then.Evolved(state, ShipmentDecisions.PutOnHold(state, HoldType.Other, null, When.By, When.Now));

        Assert.Equal(ShipmentStatus.OnHold, after.Status);
        Assert.Equal(ShipmentStatus.Incident, after.HeldFrom);
        Assert.Equal(ShipmentStatus.OnRoute, after.IncidentFrom);
    }

    [Fact]
    public void GivenShipmentOnHold_WhenPutOnHold_ThenNothingRecorded()
    {
        var state = Given.Pending().PutOnHold().State;

        Assert.Empty(ShipmentDecisions.PutOnHold(state, HoldType.Other, null, When.By, When.Now));
    }

    [Theory]
    [MemberData(nameof(Finals))]
    public void GivenFinalShipment_WhenPutOnHold_ThenRejectedAsFinal(ShipmentStatus final)
    {
        var state = Given.In(final).State;

        var refusal = Then.Refused(() => ShipmentDecisions.PutOnHold(state, HoldType.Other, null, When.By, When.Now));

        Then.Mentions(refusal.Details, final.ToCode());
        Then.Mentions(refusal.Details, "ON_HOLD");
        Assert.Contains($"{final.ToCode()} is final", refusal.Details);
    }
}
