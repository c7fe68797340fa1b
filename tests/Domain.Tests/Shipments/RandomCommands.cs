using CsCheck;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

/// <summary>One command a carrier or an operator may send, decided by the domain's pure decisions.</summary>
internal abstract record ShipmentCommand
{
    public abstract IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now);
}

internal sealed record ReportStatusCommand(ShipmentStatus? Status, CourierAgent? Agent, string? TrackingUrl) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.ReportStatus(state,
            new StatusReport(Status, Agent, TrackingUrl is null ? null : new TrackingDetails(TrackingUrl), $"report {Status}"), by, now);
}

internal sealed record PutOnHoldCommand(HoldType Type) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.PutOnHold(state, Type, "hold", by, now);
}

internal sealed record ResumeCommand : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.Resume(state, "resume", by, now);
}

internal sealed record CancelCommand(CancelType Type) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.Cancel(state, Type, "cancel", by, now);
}

internal sealed record AddNoteCommand(string Note) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.AddNotes([new ShipmentNote(NoteType.Comment, Note, null)], by, now);
}

internal sealed record AddEvidenceCommand(string Content) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.AddEvidences([new ShipmentEvidence(EvidenceType.Text, Content, null)], by, now);
}

internal sealed record AddLabelCommand(string Id) : ShipmentCommand
{
    public override IReadOnlyList<IShipmentEvent> Decide(Shipment state, Actor by, DateTimeOffset now) =>
        ShipmentDecisions.AddLabel(state, new ShipmentLabel(Id, $"https://labels.example/{Id}.pdf", $"label {Id}", LabelType.Pdf), by, now);
}

/// <summary>Random command sequences (CsCheck) and their valid run: a command the decisions refuse is skipped.</summary>
internal static class RandomCommands
{
    public static readonly CourierAgent[] Agents =
    [
        new("agent-1", "Ana", "ID-001", "+52 55 0000 0001", "ana@example.com", Vehicle.Scooter),
        new("agent-2", "Beto", "ID-002", null, null, Vehicle.Van),
        new("agent-3", "Carla", null, null, "carla@example.com", null),
    ];

    private static readonly ShipmentStatus?[] ReportedStatuses = [.. Enum.GetValues<ShipmentStatus>().Cast<ShipmentStatus?>(), null];

    public static readonly Gen<ShipmentCommand> Command = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf<ShipmentStatus?>(ReportedStatuses), Gen.OneOf<CourierAgent?>([null, .. Agents]),
            Gen.OneOf<string?>(null, null, "https://track.example/1", "https://track.example/2"),
            (status, agent, url) => (ShipmentCommand)new ReportStatusCommand(status, agent, url))),
        (2, Gen.Enum<HoldType>().Select(t => (ShipmentCommand)new PutOnHoldCommand(t))),
        (2, Gen.Const<ShipmentCommand>(new ResumeCommand())),
        (1, Gen.Enum<CancelType>().Select(t => (ShipmentCommand)new CancelCommand(t))),
        (1, Gen.Int[1, 9].Select(i => (ShipmentCommand)new AddNoteCommand($"note {i}"))),
        (1, Gen.Int[1, 9].Select(i => (ShipmentCommand)new AddEvidenceCommand($"evidence {i}"))),
        (1, Gen.Int[1, 3].Select(i => (ShipmentCommand)new AddLabelCommand($"L{i}"))));

    public static Gen<ShipmentCommand[]> Sequence(int maxLength) => Command.Array[0, maxLength];

    /// <summary>
    /// Decides each command on the state its predecessors left and returns the accepted ones' events, one list per
    /// command (empty: refused or "already so"). Only <see cref="DomainRuleViolation"/> may refuse.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<IShipmentEvent>> Run(Shipment created, IEnumerable<ShipmentCommand> commands, Actor by, Func<DateTimeOffset> now)
    {
        var state = created;
        var decided = new List<IReadOnlyList<IShipmentEvent>>();
        foreach (var command in commands)
        {
            IReadOnlyList<IShipmentEvent> events;
            try
            {
                events = command.Decide(state, by, now());
            }
            catch (DomainRuleViolation)
            {
                events = [];
            }

            decided.Add(events);
            state = events.Aggregate(state, (s, e) => Shipment.Evolve(s, e)!);
        }

        return decided;
    }
}
