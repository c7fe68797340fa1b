using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Tests.Performance;

/// <summary>
/// The group commit's queue (<see cref="CommitGroups{TItem,TOutcome}"/>) on its own: who writes, what goes into a group,
/// what a failure reaches. The writes are gated by the test, so every grouping asserted here is forced, not timed.
/// </summary>
public sealed class CommitGroupsTests
{
    [Fact]
    public async Task A_caller_alone_writes_its_item_at_once_as_a_group_of_one()
    {
        var writes = new Writes();
        var groups = new CommitGroups<int, string>(writes.Write, writers: 1, maxGroup: 10);

        Assert.Equal("written 7", await groups.Submit(7));
        Assert.Equal("written 8", await groups.Submit(8));

        Assert.Equal([[7], [8]], writes.Groups);
    }

    [Fact]
    public async Task Callers_arriving_while_the_writer_is_busy_are_written_together_in_order_then_the_writer_is_free_again()
    {
        var writes = new Writes();
        var groups = new CommitGroups<int, string>(writes.Write, writers: 1, maxGroup: 10);
        var gate = writes.Hold();

        var first = groups.Submit(1);
        await writes.Started(1);
        var waiting = Enumerable.Range(2, 5).Select(groups.Submit).ToArray();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        gate.SetResult();

        Assert.Equal("written 1", await first);
        Assert.Equal(["written 2", "written 3", "written 4", "written 5", "written 6"], await Task.WhenAll(waiting));
        Assert.Equal([[1], [2, 3, 4, 5, 6]], writes.Groups);

        // Nothing left waiting and the slot freed: the next caller writes at once.
        Assert.Equal("written 9", await groups.Submit(9));
        Assert.Equal([9], writes.Groups[^1]);
    }

    [Fact]
    public async Task A_group_holds_at_most_max_group_items()
    {
        var writes = new Writes();
        var groups = new CommitGroups<int, string>(writes.Write, writers: 1, maxGroup: 4);
        var gate = writes.Hold();

        var first = groups.Submit(0);
        await writes.Started(1);
        var waiting = Enumerable.Range(1, 10).Select(groups.Submit).ToArray();
        gate.SetResult();
        await first;
        await Task.WhenAll(waiting);

        Assert.Equal([1, 4, 4, 2], writes.Groups.Select(g => g.Count));
        Assert.Equal(Enumerable.Range(0, 11), writes.Groups.SelectMany(g => g));
    }

    [Fact]
    public async Task Two_writers_write_two_groups_at_once_and_no_more()
    {
        var writes = new Writes();
        var groups = new CommitGroups<int, string>(writes.Write, writers: 2, maxGroup: 10);
        var gate = writes.Hold();

        var first = groups.Submit(1);
        var second = groups.Submit(2);
        await writes.Started(2);
        var third = groups.Submit(3);
        Assert.Equal(2, writes.InFlight);
        gate.SetResult();

        Assert.Equal(["written 1", "written 2", "written 3"], await Task.WhenAll(first, second, third));
        Assert.Equal(2, writes.MostInFlight);
    }

    [Fact]
    public async Task A_failed_write_fails_every_item_of_its_group_and_only_those()
    {
        var writes = new Writes { Fail = items => items.Contains(3) };
        var groups = new CommitGroups<int, string>(writes.Write, writers: 1, maxGroup: 10);
        var gate = writes.Hold();

        var first = groups.Submit(1);
        await writes.Started(1);
        var doomed = new[] { groups.Submit(2), groups.Submit(3) };
        gate.SetResult();

        Assert.Equal("written 1", await first);
        foreach (var item in doomed)
        {
            Assert.Equal("lost 2,3", (await Assert.ThrowsAsync<InvalidOperationException>(() => item)).Message);
        }

        Assert.Equal("written 4", await groups.Submit(4));
    }

    /// <summary>The write under test: records each group, can be held at a gate and can fail.</summary>
    private sealed class Writes
    {
        private readonly Lock gate = new();
        private TaskCompletionSource? held;
        private int started;
        private int inFlight;

        public List<List<int>> Groups { get; } = [];

        public Func<IReadOnlyList<int>, bool> Fail { get; init; } = _ => false;

        public int InFlight => Volatile.Read(ref inFlight);

        public int MostInFlight { get; private set; }

        public TaskCompletionSource Hold() => held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task Started(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref started) < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{count} writes did not start");
                await Task.Yield();
            }
        }

        public async Task<IReadOnlyList<string>> Write(IReadOnlyList<int> items)
        {
            lock (gate)
            {
                Groups.Add([.. items]);
                MostInFlight = Math.Max(MostInFlight, ++inFlight);
            }

            Interlocked.Increment(ref started);
            try
            {
                if (held is { } wait)
                {
                    await wait.Task;
                }

                return Fail(items)
                    ? throw new InvalidOperationException($"lost {string.Join(',', items)}")
                    : items.Select(i => $"written {i}").ToList();
            }
            finally
            {
                lock (gate)
                {
                    inFlight--;
                }
            }
        }
    }
}
