namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// Group commit (docs/adr/004-group-commit.md): concurrent callers hand their writes to at most <c>writers</c> writers at a
/// time; a writer takes everything waiting (up to <c>maxGroup</c>) and writes it as one group. Nobody waits for a timer: a
/// caller that finds a writer free becomes one and writes its own item at once (alone when nothing else waits), and while
/// the writers are busy the callers behind them gather into the next group. A writer whose own item is written hands the
/// rest of the queue to a thread-pool writer and returns to its caller.
/// </summary>
/// <remarks>
/// <c>write</c> answers one outcome per item, in order. When it throws, every item of its group fails with that exception
/// (an outage reaches each caller as its own request's error); it is never retried here.
/// </remarks>
internal sealed class CommitGroups<TItem, TOutcome>
{
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TOutcome>>> write;
    private readonly int writers;
    private readonly int maxGroup;
    private readonly Queue<Waiting> queue = new();
    private readonly Lock gate = new();
    private int active;

    public CommitGroups(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TOutcome>>> write, int writers, int maxGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        this.write = write;
        this.writers = writers;
        this.maxGroup = maxGroup;
    }

    /// <summary>Items queued for a group, not yet taken by a writer.</summary>
    public int Queued
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting; its own outcome.</summary>
    public async Task<TOutcome> Submit(TItem item)
    {
        var waiting = new Waiting(item);
        bool lead;
        lock (gate)
        {
            queue.Enqueue(waiting);
            lead = active < writers;
            if (lead)
            {
                active++;
            }
        }

        if (lead)
        {
            await Drain(waiting);
        }

        return await waiting.Done.Task;
    }

    /// <summary>
    /// Writes groups until <paramref name="own"/> is written (null: until the queue is empty), then frees the writer's slot,
    /// or, with callers still waiting, passes it to a thread-pool writer.
    /// </summary>
    private async Task Drain(Waiting? own)
    {
        while (true)
        {
            List<Waiting> group;
            lock (gate)
            {
                if (queue.Count == 0)
                {
                    active--;
                    return;
                }

                if (own is { Done.Task.IsCompleted: true })
                {
                    break;
                }

                group = new List<Waiting>(Math.Min(queue.Count, maxGroup));
                while (group.Count < maxGroup && queue.TryDequeue(out var next))
                {
                    group.Add(next);
                }
            }

            await Write(group);
        }

        // Not the caller's work any more: the thread-pool writer does not carry its execution context (its trace, its
        // request's ambient state) into the groups it writes next.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => Drain(null));
        }
    }

    private async Task Write(List<Waiting> group)
    {
        try
        {
            var outcomes = await write(group.ConvertAll(w => w.Item));
            if (outcomes.Count != group.Count)
            {
                throw new InvalidOperationException($"A group of {group.Count} was answered with {outcomes.Count} outcomes.");
            }

            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(e);
            }
        }
    }

    private sealed class Waiting(TItem item)
    {
        public TItem Item { get; } = item;

        public TaskCompletionSource<TOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
