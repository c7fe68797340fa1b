using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>A document type whose changes invalidate the in-memory caches of every API process (registered by its module).</summary>
public sealed record ReferenceDocumentType(Type Type)
{
    /// <summary>The notification payload, and the name caches register under.</summary>
    public string Name => Type.Name;
}

/// <summary>
/// Reference data read from memory, invalidated on every process when it changes (see docs/reference-data.md). A session
/// that commits a change to a registered document type adds <c>pg_notify('cargamos_reference', '&lt;type&gt;')</c> to its
/// transaction (<see cref="ReferenceDataSessionListener"/>); one LISTEN connection per process
/// (<see cref="ReferenceDataListener"/>) invalidates the caches of that type. While that connection is down the caches are
/// bypassed (every read goes to the database); when it is back, everything is invalidated. A singleton.
/// </summary>
internal sealed class ReferenceDataChanges
{
    public const string Channel = "cargamos_reference";

    private readonly ConcurrentDictionary<string, List<Action>> invalidators = new(StringComparer.Ordinal);
    private volatile bool listening;
    private long connections;

    /// <summary>True while notifications are received: only then may a cache answer from memory.</summary>
    public bool Listening => listening;

    /// <summary>How many times the LISTEN connection was (re)established.</summary>
    public long Connections => Interlocked.Read(ref connections);

    /// <summary>Invalidated together with every other cache of <paramref name="type"/>'s documents.</summary>
    public void OnChange(Type type, Action invalidate)
    {
        var list = invalidators.GetOrAdd(type.Name, _ => []);
        lock (list)
        {
            list.Add(invalidate);
        }
    }

    /// <summary>A keyed cache of one document type (negative answers included).</summary>
    public ReferenceCache<TKey, TValue> Cache<TKey, TValue>(Type documentType, int capacity = 10_000)
        where TKey : notnull
    {
        var cache = new ReferenceCache<TKey, TValue>(this, capacity);
        OnChange(documentType, cache.Invalidate);
        return cache;
    }

    public void Changed(string typeName)
    {
        if (invalidators.TryGetValue(typeName, out var list))
        {
            Action[] actions;
            lock (list)
            {
                actions = list.ToArray();
            }

            foreach (var invalidate in actions)
            {
                invalidate();
            }
        }
    }

    /// <summary>Connected: notifications are received from now on; what was cached before may have missed some.</summary>
    internal void Connected()
    {
        InvalidateAll();
        listening = true;
        Interlocked.Increment(ref connections);
    }

    /// <summary>Disconnected: read through until <see cref="Connected"/>.</summary>
    internal void Disconnected()
    {
        listening = false;
        InvalidateAll();
    }

    private void InvalidateAll()
    {
        foreach (var name in invalidators.Keys)
        {
            Changed(name);
        }
    }
}

/// <summary>
/// Values by key, kept only while <see cref="ReferenceDataChanges.Listening"/>; a load that raced an invalidation answers its
/// caller but is not kept. When more than <c>capacity</c> keys are held (e.g. lookups of unknown keys) it starts over.
/// </summary>
internal sealed class ReferenceCache<TKey, TValue>(ReferenceDataChanges changes, int capacity) where TKey : notnull
{
    private ConcurrentDictionary<TKey, TValue> entries = new();
    private long generation;

    public int Count => entries.Count;

    public async Task<TValue> Get(TKey key, Func<TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        var held = Volatile.Read(ref entries);
        if (changes.Listening && held.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var loadedGeneration = Interlocked.Read(ref generation);
        var listeningBefore = changes.Listening;
        var value = await load(key, ct);
        if (listeningBefore && changes.Listening && Interlocked.Read(ref generation) == loadedGeneration)
        {
            if (held.Count >= capacity)
            {
                Interlocked.CompareExchange(ref entries, new ConcurrentDictionary<TKey, TValue>(), held);
                held = Volatile.Read(ref entries);
            }

            held[key] = value;

            // An invalidation between the check above and the write: drop what may be stale.
            if (Interlocked.Read(ref generation) != loadedGeneration)
            {
                held.TryRemove(key, out _);
            }
        }

        return value;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        Volatile.Write(ref entries, new ConcurrentDictionary<TKey, TValue>());
    }
}

/// <summary>
/// Adds the NOTIFY of every registered reference type a session changes to the session's own transaction, so other
/// processes hear of a change exactly when it commits; this process invalidates at once after the commit.
/// </summary>
internal sealed class ReferenceDataSessionListener(IReadOnlyList<ReferenceDocumentType> types, ReferenceDataChanges changes)
    : DocumentSessionListenerBase
{
    private readonly ConditionalWeakTable<IDocumentSession, string[]> committing = new();

    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var changed = types.Where(t => session.PendingChanges.OperationsFor(t.Type).Any()).Select(t => t.Name).ToArray();
        if (changed.Length > 0)
        {
            foreach (var name in changed)
            {
                session.QueueSqlCommand("select pg_notify(?, ?)", Channel, name);
            }

            committing.AddOrUpdate(session, changed);
        }

        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (committing.TryGetValue(session, out var changed))
        {
            committing.Remove(session);
            foreach (var name in changed)
            {
                changes.Changed(name);
            }
        }

        return Task.CompletedTask;
    }

    private static string Channel => ReferenceDataChanges.Channel;
}

/// <summary>
/// The one LISTEN connection of this process. Reconnects by itself; a silent connection is checked every second, so a
/// connection that died without a word stops the caches within about two seconds.
/// </summary>
internal sealed class ReferenceDataListener(IDocumentStore store, ReferenceDataChanges changes, ILogger<ReferenceDataListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = store.Storage.Database.CreateConnection();
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => changes.Changed(e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {ReferenceDataChanges.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                changes.Connected();
                if (failures > 0)
                {
                    logger.LogInformation("Reference data notifications are received again; caches restarted empty");
                }

                failures = 0;

                // LISTEN again (a no-op) as the heartbeat: the connection then always shows as this listener's.
                await using var ping = new NpgsqlCommand($"listen {ReferenceDataChanges.Channel}", connection);
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(Heartbeat, stoppingToken))
                    {
                        // Nothing heard for a second: make sure the connection is still there (notifications come first).
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        timeout.CancelAfter(Heartbeat);
                        await ping.ExecuteNonQueryAsync(timeout.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                changes.Disconnected();
                if (failures++ == 0)
                {
                    logger.LogWarning(e, "Reference data notifications are not received; reading reference data from the database until reconnected");
                }

                try
                {
                    await Task.Delay(Reconnect, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        changes.Disconnected();
    }
}

/// <summary>Registration of the shared mechanism and of each module's reference types.</summary>
public static class ReferenceDocuments
{
    /// <summary>Changes to <typeparamref name="T"/> documents made through Marten sessions invalidate caches on every process.</summary>
    public static IServiceCollection AddReferenceDocument<T>(this IServiceCollection services)
    {
        services.AddSingleton(new ReferenceDocumentType(typeof(T)));
        return services;
    }

    internal static void AddReferenceDataChanges(this IServiceCollection services)
    {
        services.TryAddSingleton<ReferenceDataChanges>();
        services.AddHostedService<ReferenceDataListener>();
    }
}
