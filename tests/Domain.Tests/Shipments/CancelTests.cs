using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class CancelTests
{
    public static TheoryData<string> InCustody() => new()
    {
        "PICKED",
        "ON_ROUTE",
        "INCIDENT(from PICKED)",
        "ON_HOLD(from ON_ROUTE)",
    };

    public static TheoryData<ShipmentStatus> Delivered_Returned() => new() { ShipmentStatus.Delivered, ShipmentStatus.Returned };

    [Fact]
    public void GivenPickedShipment_WhenCancel_ThenRejectedBecauseAPickedParcelIsReturned()
    {
        var state = Given.Picked().State;

        var refusal = Then.Refused(() => ShipmentDecisions.Cancel(state, CancelType.EndClientCanceled, null, When.By, When.Now));

        Then.Mentions(refusal.Details, "PICKED");
        Then.Mentions(refusal.Details, "CANCELED");
        Assert.Contains("picked parcel is returned", refusal.Details);
        Assert.Contains("not canceled", refusal.Details);
    }

    [Theory]
    [MemberData(nameof(InCustody))]
    public void GivenParcelInCourierCustody_WhenCancel_ThenRejectedBecauseAPickedParcelIsReturned(string from)
    {
        var state = from switch
        {
            "PICKED" => Given.Picked().State,
            "ON_ROUTE" => Given.OnRoute().State,
            "INCIDENT(from PICKED)" => Given.Picked().ReportIncident().State,
            "ON_HOLD(from ON_ROUTE)" => Given.OnRoute().PutOnHold().State,
            _ => throw new ArgumentOutOfRangeException(nameof(from), from, null),
        };

        var refusal = Then.Refused(() => ShipmentDecisions.Cancel(state, CancelType.Other, null, When.By, When.Now));

        Then.Mentions(refusal.Details, state.Status.ToCode());
        Assert.Contains("picked parcel is returned", refusal.Details);
    }

    [Fact]
    public void GivenAssignedShipment_WhenCancel_ThenShipmentCanceledRecordedAndFinished()
    {
        var state = Given.Assigned().State;

        var events = ShipmentDecisions.Cancel(state, CancelType.EndClientCanceled, "client changed their mind", When.By, When.Now);

        var canceled = Assert.IsType<ShipmentCanceled>(Assert.Single(events));
        Assert.Equal(new ShipmentCanceled(CancelType.EndClientCanceled, "client changed their mind", When.By, When.Now), canceled);
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Canceled, after.Status);
        Assert.Equal(When.Now, after.FinishedAt);
    }

    [Fact]
    public void GivenShipmentOnHoldFromPending_WhenCancel_ThenOnlyShipmentCanceledRecorded()
    {
        var state = Given.Pending().PutOnHold().State;

        var events = ShipmentDecisions.Cancel(state, CancelType.Other, null, When.By, When.Now);

        Assert.IsType<ShipmentCanceled>(Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Canceled, after.Status);
        Assert.Null(after.HeldFrom);
    }

    [Fact]
    public void GivenCanceledShipment_WhenCancel_ThenNothingRecorded()
    {
        var state = Given.Canceled().State;

        Assert.Empty(ShipmentDecisions.Cancel(state, CancelType.Other, "again", When.By, When.Now));
    }

    [Theory]
    [MemberData(nameof(Delivered_Returned))]
    public void GivenDeliveredShipment_WhenCancel_ThenRejectedAsFinal(ShipmentStatus final)
    {
        var state = Given.In(final).State;

        var refusal = Then.Refused(() => ShipmentDecisions.Cancel(state, CancelType.Other, null, When.By, When.Now));

        Then.Mentions(refusal.Details, final.ToCode());
        Then.Mentions(refusal.Details, "CANCELED");
        Assert.Contains($"{final.ToCode()} is final", refusal.Details);
    }
}
