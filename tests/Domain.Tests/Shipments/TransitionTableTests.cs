using Cargamos.Modular.Domain.Shipments;
using static Cargamos.Modular.Domain.Shipments.ShipmentStatus;

namespace Cargamos.Modular.Domain.Tests.Shipments;

/// <summary>The columns of the transition table: every action a shipment can be asked for.</summary>
public enum TableAction
{
    ReportPending,
    ReportAssigned,
    ReportPicked,
    ReportOnRoute,
    ReportIncident,
    ReportReturned,
    ReportDelivered,
    Cancel,
    PutOnHold,
    Resume,
    ReportTrackingDetails,
    AddNotes,
    AddEvidences,
    AddLabel,
}

/// <summary>
/// Every status (INCIDENT and ON_HOLD under every origin they can have) x every action, against a table
/// written here as data. It deliberately does not read <see cref="ShipmentTransitions"/>: editing the
/// table in the code must make this test fail.
/// </summary>
public sealed class TransitionTableTests
{
    // ✓  allowed: records the action's event
    // =  same status: accepted, records nothing
    // ✗  refused: DomainRuleViolation INVALID_STATUS_TRANSITION naming the current and the requested status
    // ↺  (ON_HOLD from X, status update to X) records ShipmentResumed only
    // ↺✓ (ON_HOLD from X, status update to a status X allows) records ShipmentResumed, then the status event
    // The last column stands for tracking details only, AddNotes, AddEvidences and AddLabel.
    private static readonly TableRow[] Table =
    [
        //                                                                                     PEN  ASG  PCK  RTE  INC  RET  DLV | CAN HLD RES | info
        Plain(Created, Given.Created,                                                         "✓    ✓    ✗    ✗    ✓    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        Plain(Pending, Given.Pending,                                                         "=    ✓    ✓    ✗    ✓    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        Plain(Assigned, Given.Assigned,                                                       "✓    =    ✓    ✗    ✓    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        Plain(Picked, Given.Picked,                                                           "✗    ✗    =    ✓    ✓    ✓    ✓  |  ✗   ✓   ✗  |  ✓"),
        Plain(OnRoute, Given.OnRoute,                                                         "✗    ✗    ✗    =    ✓    ✓    ✓  |  ✗   ✓   ✗  |  ✓"),

        IncidentFrom(Created, () => Given.Created().ReportIncident(),                         "✓    ✓    ✗    ✗    =    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        IncidentFrom(Pending, () => Given.Pending().ReportIncident(),                         "✓    ✓    ✓    ✗    =    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        IncidentFrom(Assigned, () => Given.Assigned().ReportIncident(),                       "✓    ✓    ✓    ✗    =    ✗    ✗  |  ✓   ✓   ✗  |  ✓"),
        IncidentFrom(Picked, () => Given.Picked().ReportIncident(),                           "✗    ✗    ✓    ✓    =    ✓    ✓  |  ✗   ✓   ✗  |  ✓"),
        IncidentFrom(OnRoute, () => Given.OnRoute().ReportIncident(),                         "✗    ✗    ✗    ✓    =    ✓    ✓  |  ✗   ✓   ✗  |  ✓"),

        OnHoldFrom(Created, null, () => Given.Created().PutOnHold(),                          "↺✓   ↺✓   ✗    ✗    ↺✓   ✗    ✗  |  ✓   =   ✓  |  ✓"),
        OnHoldFrom(Pending, null, () => Given.Pending().PutOnHold(),                          "↺    ↺✓   ↺✓   ✗    ↺✓   ✗    ✗  |  ✓   =   ✓  |  ✓"),
        OnHoldFrom(Assigned, null, () => Given.Assigned().PutOnHold(),                        "↺✓   ↺    ↺✓   ✗    ↺✓   ✗    ✗  |  ✓   =   ✓  |  ✓"),
        OnHoldFrom(Picked, null, () => Given.Picked().PutOnHold(),                            "✗    ✗    ↺    ↺✓   ↺✓   ↺✓   ↺✓ |  ✗   =   ✓  |  ✓"),
        OnHoldFrom(OnRoute, null, () => Given.OnRoute().PutOnHold(),                          "✗    ✗    ✗    ↺    ↺✓   ↺✓   ↺✓ |  ✗   =   ✓  |  ✓"),
        OnHoldFrom(Incident, Assigned, () => Given.Assigned().ReportIncident().PutOnHold(),   "↺✓   ↺✓   ↺✓   ✗    ↺    ✗    ✗  |  ✓   =   ✓  |  ✓"),
        OnHoldFrom(Incident, OnRoute, () => Given.OnRoute().ReportIncident().PutOnHold(),     "✗    ✗    ✗    ↺✓   ↺    ↺✓   ↺✓ |  ✗   =   ✓  |  ✓"),

        Plain(Returned, Given.Returned,                                                       "✗    ✗    ✗    ✗    ✗    =    ✗  |  ✗   ✗   ✗  |  ✓"),
        Plain(Delivered, Given.Delivered,                                                     "✗    ✗    ✗    ✗    ✗    ✗    =  |  ✗   ✗   ✗  |  ✓"),
        Plain(Canceled, Given.Canceled,                                                       "✗    ✗    ✗    ✗    ✗    ✗    ✗  |  =   ✗   ✗  |  ✓"),
    ];

    private static readonly ShipmentStatus[] FinalStatuses = [Returned, Delivered, Canceled];

    private static readonly TrackingDetails ReportedDetails = new(TrackingUrl: "https://t/1");
    private static readonly ShipmentNote Note = new(NoteType.Comment, "left at the door", "Ana");
    private static readonly ShipmentEvidence Evidence = new(EvidenceType.Image, "https://e/1.jpg", "Ana");
    private static readonly ShipmentLabel Label = new("label-1", "https://l/1.pdf", "guide", LabelType.Pdf);

    public static TheoryData<string, TableAction> Cases()
    {
        var cases = new TheoryData<string, TableAction>();
        foreach (var row in Table)
        {
            foreach (var action in Enum.GetValues<TableAction>())
            {
                cases.Add(row.Name, action);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenShipmentInEveryStatus_WhenEveryAction_ThenAsTheTableSays(string from, TableAction action)
    {
        var row = Table.Single(r => r.Name == from);
        var state = row.Given().State;
        AssertIsTheRowsState(row, state);
        var before = Snapshot.Of(state);
        var cell = row.Cell(action);

        if (cell == "✗")
        {
            var refusal = Then.Refused(() => Decide(state, action));
            Then.Mentions(refusal.Details, row.Status.ToCode());
            Then.Mentions(refusal.Details, RequestedCode(action));
            Assert.Equal(before, Snapshot.Of(state));
            return;
        }

        var events = Decide(state, action);
        Assert.Equal(ExpectedEventTypes(row, action, cell), events.Select(e => e.GetType()).ToArray());
        Then.ByAndAt(events);
        if (cell == "=")
        {
            return;
        }

        var after = Then.Evolved(state, events);
        Assert.Equal(before.Version + events.Count, after.Version);
        Assert.Equal(When.Now, after.UpdatedAt);
        Assert.Equal(ExpectedState(row, action, cell, before), StatusFacts.Of(after));
        AssertInformationRecorded(before, after, action);
    }

    [Fact]
    public void TheTableCoversEveryStatusEveryOriginAndEveryAction()
    {
        Assert.Equal(
            Enum.GetValues<ShipmentStatus>().Order().ToArray(),
            Table.Select(r => r.Status).Distinct().Order().ToArray());
        Assert.Equal(
            new[] { Created, Pending, Assigned, Picked, OnRoute },
            Table.Where(r => r.Status == Incident).Select(r => r.IncidentFrom!.Value).ToArray());
        Assert.Equal(
            new[] { "CREATED", "PENDING", "ASSIGNED", "PICKED", "ON_ROUTE", "INCIDENT(ASSIGNED)", "INCIDENT(ON_ROUTE)" },
            Table.Where(r => r.Status == OnHold)
                .Select(r => r.HeldFrom!.Value.ToCode() + (r.IncidentFrom is { } y ? $"({y.ToCode()})" : string.Empty))
                .ToArray());
        Assert.Equal(Table.Length, Table.Select(r => r.Name).Distinct().Count());

        var symbols = new[] { "✓", "=", "✗", "↺", "↺✓" };
        Assert.All(Table, row =>
        {
            Assert.Equal(11, row.Cells.Length);
            Assert.All(row.Cells, c => Assert.Contains(c, symbols));
            foreach (var action in Enum.GetValues<TableAction>())
            {
                var cell = row.Cell(action);
                if (cell is "↺" or "↺✓")
                {
                    // Resuming only happens from ON_HOLD, through a status update; ↺ means "back to X" exactly.
                    Assert.Equal(OnHold, row.Status);
                    Assert.NotNull(TargetOf(action));
                    Assert.Equal(cell == "↺", TargetOf(action) == row.HeldFrom);
                }
            }
        });
    }

    private static IReadOnlyList<IShipmentEvent> Decide(Shipment state, TableAction action) => action switch
    {
        TableAction.Cancel => ShipmentDecisions.Cancel(state, CancelType.EndClientCanceled, "client called", When.By, When.Now),
        TableAction.PutOnHold => ShipmentDecisions.PutOnHold(state, HoldType.EndClientPause, "client asked to wait", When.By, When.Now),
        TableAction.Resume => ShipmentDecisions.Resume(state, "go ahead", When.By, When.Now),
        TableAction.ReportTrackingDetails => ShipmentDecisions.ReportStatus(state, new StatusReport(null, Details: ReportedDetails), When.By, When.Now),
        TableAction.AddNotes => ShipmentDecisions.AddNotes(new[] { Note }, When.By, When.Now),
        TableAction.AddEvidences => ShipmentDecisions.AddEvidences(new[] { Evidence }, When.By, When.Now),
        TableAction.AddLabel => ShipmentDecisions.AddLabel(state, Label, When.By, When.Now),
        _ => ShipmentDecisions.ReportStatus(state, new StatusReport(TargetOf(action)!.Value), When.By, When.Now),
    };

    private static ShipmentStatus? TargetOf(TableAction action) => action switch
    {
        TableAction.ReportPending => Pending,
        TableAction.ReportAssigned => Assigned,
        TableAction.ReportPicked => Picked,
        TableAction.ReportOnRoute => OnRoute,
        TableAction.ReportIncident => Incident,
        TableAction.ReportReturned => Returned,
        TableAction.ReportDelivered => Delivered,
        _ => null,
    };

    private static string RequestedCode(TableAction action) => action switch
    {
        TableAction.Cancel => "CANCELED",
        TableAction.PutOnHold => "ON_HOLD",
        TableAction.Resume => "resume",
        _ => TargetOf(action)?.ToCode() ?? throw new InvalidOperationException($"{action} is never refused."),
    };

    // The wire of events for each status, written here rather than read from the code.
    private static Type StatusEvent(ShipmentStatus target) => target switch
    {
        Pending => typeof(ShipmentAccepted),
        Assigned => typeof(ShipmentAssigned),
        Picked => typeof(ShipmentPicked),
        OnRoute => typeof(ShipmentWentOnRoute),
        Incident => typeof(IncidentReported),
        Returned => typeof(ShipmentReturned),
        Delivered => typeof(ShipmentDelivered),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };

    private static Type[] ExpectedEventTypes(TableRow row, TableAction action, string cell) => cell switch
    {
        "=" => [],
        "↺" => [typeof(ShipmentResumed)],
        "↺✓" => [typeof(ShipmentResumed), StatusEvent(TargetOf(action)!.Value)],
        "✓" => action switch
        {
            TableAction.Cancel => [typeof(ShipmentCanceled)],
            TableAction.PutOnHold => [typeof(ShipmentPutOnHold)],
            TableAction.Resume => [typeof(ShipmentResumed)],
            TableAction.ReportTrackingDetails => [typeof(TrackingDetailsUpdated)],
            TableAction.AddNotes => [typeof(NoteAdded)],
            TableAction.AddEvidences => [typeof(EvidenceAdded)],
            TableAction.AddLabel => [typeof(LabelAdded)],
            _ => [StatusEvent(TargetOf(action)!.Value)],
        },
        _ => throw new InvalidOperationException($"'{cell}' in row {row.Name} records no events."),
    };

    /// <summary>The status facts after the recorded events.</summary>
    private static StatusFacts ExpectedState(TableRow row, TableAction action, string cell, Snapshot before)
    {
        var unchanged = new StatusFacts(before.Status, before.HeldFrom, before.IncidentFrom, before.FinishedAt);

        // Back to X: from a hold, explicitly or by a status update naming X.
        if (cell == "↺" || action == TableAction.Resume)
        {
            return unchanged with { Status = row.HeldFrom!.Value, HeldFrom = null, IncidentFrom = row.IncidentFrom };
        }

        if (TargetOf(action) is { } target)
        {
            // An incident remembers the status it interrupted: X itself when the shipment was on hold from X.
            var interrupted = row.HeldFrom ?? row.Status;
            return unchanged with
            {
                Status = target,
                HeldFrom = null,
                IncidentFrom = target == Incident ? interrupted : null,
                FinishedAt = FinalStatuses.Contains(target) ? When.Now : null,
            };
        }

        return action switch
        {
            TableAction.Cancel => unchanged with { Status = Canceled, HeldFrom = null, IncidentFrom = null, FinishedAt = When.Now },
            TableAction.PutOnHold => unchanged with { Status = OnHold, HeldFrom = row.Status, IncidentFrom = row.IncidentFrom },

            // Notes, evidences, labels and tracking details never touch the status.
            _ => unchanged,
        };
    }

    private static void AssertInformationRecorded(Snapshot before, Shipment after, TableAction action)
    {
        switch (action)
        {
            case TableAction.ReportTrackingDetails:
                Assert.Equal("https://t/1", after.Tracking.TrackingUrl);
                break;
            case TableAction.AddNotes:
                Assert.Equal(before.Notes + 1, after.Notes.Count);
                Assert.Equal(Note, after.Notes[^1]);
                break;
            case TableAction.AddEvidences:
                Assert.Equal(before.Evidences + 1, after.Evidences.Count);
                Assert.Equal(Evidence, after.Evidences[^1]);
                break;
            case TableAction.AddLabel:
                Assert.Equal(before.Labels + 1, after.Labels.Count);
                Assert.Equal(Label, after.Labels[^1]);
                break;
            default:
                Assert.Equal(before.Tracking, after.Tracking);
                Assert.Equal(before.Notes, after.Notes.Count);
                Assert.Equal(before.Evidences, after.Evidences.Count);
                Assert.Equal(before.Labels, after.Labels.Count);
                break;
        }
    }

    private static void AssertIsTheRowsState(TableRow row, Shipment state)
    {
        Assert.Equal(row.Status, state.Status);
        Assert.Equal(row.HeldFrom, state.HeldFrom);
        Assert.Equal(row.IncidentFrom, state.IncidentFrom);
        Assert.Equal(row.Given().Events.Count, state.Version);
    }

    private static TableRow Plain(ShipmentStatus status, Func<Given> given, string cells) =>
        new(status.ToCode(), given, status, null, null, Parse(cells));

    private static TableRow IncidentFrom(ShipmentStatus origin, Func<Given> given, string cells) =>
        new($"INCIDENT(from {origin.ToCode()})", given, Incident, origin, null, Parse(cells));

    private static TableRow OnHoldFrom(ShipmentStatus origin, ShipmentStatus? originIncidentFrom, Func<Given> given, string cells) =>
        new(
            originIncidentFrom is { } y ? $"ON_HOLD(from INCIDENT(from {y.ToCode()}))" : $"ON_HOLD(from {origin.ToCode()})",
            given, OnHold, originIncidentFrom, origin, Parse(cells));

    private static string[] Parse(string cells) =>
        cells.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(c => c != "|").ToArray();

    private sealed record TableRow(
        string Name, Func<Given> Given, ShipmentStatus Status, ShipmentStatus? IncidentFrom, ShipmentStatus? HeldFrom, string[] Cells)
    {
        public string Cell(TableAction action) => Cells[action switch
        {
            TableAction.ReportPending => 0,
            TableAction.ReportAssigned => 1,
            TableAction.ReportPicked => 2,
            TableAction.ReportOnRoute => 3,
            TableAction.ReportIncident => 4,
            TableAction.ReportReturned => 5,
            TableAction.ReportDelivered => 6,
            TableAction.Cancel => 7,
            TableAction.PutOnHold => 8,
            TableAction.Resume => 9,
            _ => 10,
        }];
    }

    private sealed record StatusFacts(ShipmentStatus Status, ShipmentStatus? HeldFrom, ShipmentStatus? IncidentFrom, DateTimeOffset? FinishedAt)
    {
        public static StatusFacts Of(Shipment s) => new(s.Status, s.HeldFrom, s.IncidentFrom, s.FinishedAt);
    }

    /// <summary>What the table is about, compared as values (the lists by their sizes).</summary>
    private sealed record Snapshot(
        ShipmentStatus Status,
        ShipmentStatus? HeldFrom,
        ShipmentStatus? IncidentFrom,
        DateTimeOffset? FinishedAt,
        TrackingDetails Tracking,
        int Notes,
        int Evidences,
        int Labels,
        long Version,
        DateTimeOffset UpdatedAt)
    {
        public static Snapshot Of(Shipment s) =>
            new(s.Status, s.HeldFrom, s.IncidentFrom, s.FinishedAt, s.Tracking, s.Notes.Count, s.Evidences.Count, s.Labels.Count, s.Version, s.UpdatedAt);
    }
}
