using CsCheck;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

/// <summary>
/// Over random valid command sequences: the aggregate's position is the rule folded over its events, the rule's
/// transitions are the aggregate's status changes, and the transition table agrees with what the decisions accept.
/// CsCheck prints the seed of a failing sequence (rerun it with <c>seed:</c>).
/// </summary>
public sealed class ShipmentStatusRulePropertyTests
{
    private static readonly ShipmentStatus[] Statuses = Enum.GetValues<ShipmentStatus>();

    [Fact]
    public void The_aggregate_and_the_rule_fold_the_same_position_after_every_event() =>
        RandomCommands.Sequence(16).Sample(commands =>
        {
            var events = new List<object>(Given.Created().Events);
            var state = Given.Created().State;
            foreach (var decided in RandomCommands.Run(state, commands, When.By, () => When.Now))
            {
                foreach (var e in decided)
                {
                    var before = state;
                    state = Shipment.Evolve(state, e)!;
                    events.Add(e);

                    Assert.Equal(state.Position(), ShipmentStatusRule.Replay(events));
                    var transition = ShipmentStatusRule.Transition(before.Position(), e);
                    Assert.Equal(before.Status != state.Status, transition is not null);
                    if (transition is not null)
                    {
                        Assert.Equal(new StatusTransition(before.Status, state.Position()), transition);
                    }

                    // Only a hold remembers a status to resume to; a status is never the incident's own origin.
                    Assert.True(state.HeldFrom is null || state.Status == ShipmentStatus.OnHold);
                    Assert.NotEqual(ShipmentStatus.Incident, state.IncidentFrom);
                }
            }
        }, iter: 3000);

    [Fact]
    public void The_transitions_of_a_whole_stream_are_the_aggregates_status_changes() =>
        RandomCommands.Sequence(16).Sample(commands =>
        {
            var created = Given.Created();
            var events = RandomCommands.Run(created.State, commands, When.By, () => When.Now).SelectMany(e => e).Cast<object>().ToList();

            var statuses = new List<ShipmentStatus>();
            var state = (Shipment?)null;
            foreach (var e in created.Events.Concat(events))
            {
                var previous = state?.Status;
                state = Shipment.Evolve(state, e);
                if (state!.Status != previous)
                {
                    statuses.Add(state.Status);
                }
            }

            var position = (StatusPosition?)null;
            var transitions = new List<ShipmentStatus>();
            foreach (var e in created.Events.Concat(events))
            {
                if (ShipmentStatusRule.Transition(position, e) is { } transition)
                {
                    transitions.Add(transition.Next.Status);
                    position = transition.Next;
                }
                else
                {
                    position = position is { } current ? ShipmentStatusRule.After(current, e) ?? current : null;
                }
            }

            Assert.Equal(statuses, transitions);
            Assert.Equal(state!.Position(), position);
        }, iter: 3000);

    [Fact]
    public void The_allowed_targets_are_exactly_what_the_decisions_accept() =>
        RandomCommands.Sequence(12).Sample(commands =>
        {
            var created = Given.Created();
            var state = RandomCommands.Run(created.State, commands, When.By, () => When.Now)
                .SelectMany(e => e).Aggregate(created.State, (s, e) => Shipment.Evolve(s, e)!);
            var allowed = ShipmentTransitions.AllowedTargets(state);

            Assert.DoesNotContain(ShipmentStatus.Created, allowed);
            Assert.DoesNotContain(state.Status, allowed);
            Assert.Equal(allowed, ShipmentTransitions.AllowedTargets(state.Position()));
            foreach (var target in Statuses)
            {
                var outcome = Outcome(() => ShipmentDecisions.ReportStatus(state, new StatusReport(target), When.By, When.Now));
                if (allowed.Contains(target))
                {
                    // An allowed target is reached, by the rule, in one command.
                    Assert.NotNull(outcome);
                    Assert.Equal(target, outcome.Aggregate(state, (s, e) => Shipment.Evolve(s, e)!).Status);
                }
                else if (target == state.Status && target != ShipmentStatus.Created)
                {
                    // Repeating the status is an update, not a transition (CREATED is never reported, not even again).
                    Assert.Equal(state.Status, outcome?.Aggregate(state, (s, e) => Shipment.Evolve(s, e)!).Status);
                }
                else
                {
                    Assert.Null(outcome);
                }
            }

            Assert.Equal(allowed.Contains(ShipmentStatus.Canceled) || state.Status == ShipmentStatus.Canceled,
                Outcome(() => ShipmentDecisions.Cancel(state, CancelType.Other, null, When.By, When.Now)) is not null);
            Assert.Equal(allowed.Contains(ShipmentStatus.OnHold) || state.Status == ShipmentStatus.OnHold,
                Outcome(() => ShipmentDecisions.PutOnHold(state, HoldType.Other, null, When.By, When.Now)) is not null);
            Assert.Equal(state.Status == ShipmentStatus.OnHold,
                Outcome(() => ShipmentDecisions.Resume(state, null, When.By, When.Now)) is not null);
        }, iter: 3000);

    // The decided events, or null when the decisions refuse.
    private static IReadOnlyList<IShipmentEvent>? Outcome(Func<IReadOnlyList<IShipmentEvent>> decide)
    {
        try
        {
            return decide();
        }
        catch (DomainRuleViolation)
        {
            return null;
        }
    }
}
