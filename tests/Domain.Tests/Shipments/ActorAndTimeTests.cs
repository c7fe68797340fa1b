using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class ActorAndTimeTests
{
    private static readonly Actor Vtex = new(ActorKind.Vtex, "vtex-hook", null);
    private static readonly DateTimeOffset Later = new(2026, 4, 1, 7, 15, 30, TimeSpan.FromHours(2));

    public static TheoryData<string> Decisions() => new()
    {
        "Create", "ReportStatus", "ReportStatusResumingWithDetails", "Cancel", "PutOnHold", "Resume", "AddNotes", "AddEvidences", "AddLabel",
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void GivenAnActorAndATime_WhenAnyDecisionRecords_ThenEveryEventCarriesThem(string decision)
    {
        IReadOnlyList<IShipmentEvent> events = decision switch
        {
            "Create" => [ShipmentDecisions.Create(Guid.CreateVersion7(), "CGM-1", "s", "c", Given.Order, Vtex, Later)],
            "ReportStatus" => ShipmentDecisions.ReportStatus(Given.Created().State, new StatusReport(ShipmentStatus.Assigned, Given.Agent), Vtex, Later),
            "ReportStatusResumingWithDetails" => ShipmentDecisions.ReportStatus(
                Given.Picked().PutOnHold().State,
                new StatusReport(ShipmentStatus.OnRoute, Given.OtherAgent, new TrackingDetails(TrackingUrl: "https://t/9"), "moving"),
                Vtex,
                Later),
            "Cancel" => ShipmentDecisions.Cancel(Given.Pending().State, CancelType.Other, null, Vtex, Later),
            "PutOnHold" => ShipmentDecisions.PutOnHold(Given.Pending().State, HoldType.Other, null, Vtex, Later),
            "Resume" => ShipmentDecisions.Resume(Given.Pending().PutOnHold().State, null, Vtex, Later),
            "AddNotes" => ShipmentDecisions.AddNotes(new[] { new ShipmentNote(NoteType.Comment, "n", null) }, Vtex, Later),
            "AddEvidences" => ShipmentDecisions.AddEvidences(new[] { new ShipmentEvidence(EvidenceType.Text, "e", null) }, Vtex, Later),
            "AddLabel" => ShipmentDecisions.AddLabel(Given.Created().State, new ShipmentLabel("l", "https://l", "l", LabelType.Pdf), Vtex, Later),
            _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, null),
        };

        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.Equal(Vtex, e.By);
            Assert.Equal(Later, e.At);
        });
    }

    [Fact]
    public void GivenShipmentOnHoldFromPicked_WhenReportOnRouteWithNewAgentAndDetails_ThenResumedWentOnRouteAndDetailsRecorded()
    {
        var state = Given.Picked().PutOnHold().State;

        var events = ShipmentDecisions.ReportStatus(
            state,
            new StatusReport(ShipmentStatus.OnRoute, Given.OtherAgent, new TrackingDetails(TrackingUrl: "https://t/9"), "moving"),
            Vtex,
            Later);

        Assert.Equal(
            new[] { typeof(ShipmentResumed), typeof(ShipmentWentOnRoute), typeof(TrackingDetailsUpdated) },
            events.Select(e => e.GetType()).ToArray());
    }
}
