using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class EvolveTests
{
    public static TheoryData<ShipmentStatus> Finals() => new() { ShipmentStatus.Delivered, ShipmentStatus.Returned, ShipmentStatus.Canceled };

    public static TheoryData<ShipmentStatus> NotFinals() =>
        new(Enum.GetValues<ShipmentStatus>().Where(s => s is not (ShipmentStatus.Delivered or ShipmentStatus.Returned or ShipmentStatus.Canceled)));

    [Fact]
    public void GivenAHistory_WhenReplayed_ThenVersionIncrementsByOnePerEvent()
    {
        var history = Given.OnRoute()
            .Track(new TrackingDetails(TrackingUrl: "https://t/1"))
            .Note(new ShipmentNote(NoteType.Comment, "n", null))
            .PutOnHold()
            .Resume()
            .Deliver();

        for (var count = 1; count <= history.Events.Count; count++)
        {
            var state = Shipment.Replay(history.Events.Take(count));
            Assert.NotNull(state);
            Assert.Equal(count, state.Version);
        }
    }

    [Fact]
    public void GivenAnEvent_WhenEvolved_ThenUpdatedAtIsTheEventTimeAndCreatedAtStays()
    {
        var state = Given.Assigned().State;

        var after = Shipment.Evolve(state, new ShipmentPicked(When.By, When.Now));

        Assert.NotNull(after);
        Assert.Equal(When.Now, after.UpdatedAt);
        Assert.Equal(Given.Start, after.CreatedAt);
        Assert.Equal(state.Version + 1, after.Version);
    }

    [Theory]
    [MemberData(nameof(Finals))]
    public void GivenFinalEvent_WhenEvolved_ThenFinishedAtIsTheEventTime(ShipmentStatus final)
    {
        var state = Given.OnRoute().State;
        object @event = final switch
        {
            ShipmentStatus.Delivered => new ShipmentDelivered(When.By, When.Now),
            ShipmentStatus.Returned => new ShipmentReturned("refused", When.By, When.Now),
            _ => new ShipmentCanceled(CancelType.Other, null, When.By, When.Now),
        };
        if (final == ShipmentStatus.Canceled)
        {
            state = Given.Pending().State;
        }

        var after = Shipment.Evolve(state, @event);

        Assert.NotNull(after);
        Assert.Equal(final, after.Status);
        Assert.Equal(When.Now, after.FinishedAt);
    }

    [Theory]
    [MemberData(nameof(NotFinals))]
    public void GivenNonFinalStatus_WhenReplayed_ThenNotFinished(ShipmentStatus status)
    {
        Assert.Null(Given.In(status).State.FinishedAt);
    }

    [Fact]
    public void GivenLabels_WhenOneWithTheSameIdIsAdded_ThenItReplacesTheOldOneAndOthersStay()
    {
        var first = new ShipmentLabel("a", "https://l/a", "guide", LabelType.Pdf);
        var other = new ShipmentLabel("b", "https://l/b", "invoice", LabelType.Pdf);
        var replacement = first with { Url = "https://l/a2", Type = LabelType.Zpl };

        var state = Given.Created().Label(first).Label(other).Label(replacement).State;

        Assert.Equal(new[] { other, replacement }, state.Labels);
    }

    [Fact]
    public void GivenNotes_WhenMoreAreAdded_ThenTheyAccumulateInOrder()
    {
        var n1 = new ShipmentNote(NoteType.Comment, "one", null);
        var n2 = new ShipmentNote(NoteType.Comment, "two", "Ana");
        var n3 = new ShipmentNote(NoteType.Error, "three", null);

        var state = Given.Created().Note(n1, n2).Note(n3).State;

        Assert.Equal(new[] { n1, n2, n3 }, state.Notes);
    }

    [Fact]
    public void GivenTrackingDetails_WhenChangesAreMerged_ThenUnreportedFieldsKeepTheirValues()
    {
        var state = Given.OnRoute()
            .Track(new TrackingDetails(TrackingUrl: "https://t/1", TotalDistanceTraveled: 3))
            .Track(new TrackingDetails(TotalDistanceTraveled: 8))
            .State;

        Assert.Equal(new TrackingDetails(TrackingUrl: "https://t/1", TotalDistanceTraveled: 8), state.Tracking);
    }

    [Fact]
    public void GivenIncidentAndHold_WhenTheShipmentMovesOn_ThenBothOriginsAreForgotten()
    {
        var state = Given.Assigned().ReportIncident().PutOnHold().Resume().Pick().State;

        Assert.Equal(ShipmentStatus.Picked, state.Status);
        Assert.Null(state.HeldFrom);
        Assert.Null(state.IncidentFrom);
    }

    [Fact]
    public void GivenNoShipment_WhenAnEventOtherThanCreatedArrives_ThenStillNoShipment()
    {
        Assert.Null(Shipment.Evolve(null, new ShipmentPicked(When.By, When.Now)));
    }
}
