using System.Collections.Concurrent;

namespace Cargamos.Modular.Application.Common.Throttling;

/// <summary>Configuration section <c>RateLimits</c>: how hard guessing credentials is made.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary><c>GET /v1/login</c> attempts per client address per minute, successful ones included.</summary>
    public int LoginPerMinute { get; set; } = 30;

    /// <summary><c>POST /token</c> attempts per client address per minute.</summary>
    public int TokenPerMinute { get; set; } = 60;

    /// <summary><c>GET /t/{trackingId}</c> (the public tracking page) views per client address per minute.</summary>
    public int TrackingPagePerMinute { get; set; } = 60;

    /// <summary>
    /// Failures of one user (or VTEX AppKey) from one client address accepted before each further attempt from there
    /// waits; a user's failures from all addresses together, and a VTEX caller address's, wait after four times as many.
    /// </summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>The first wait after <see cref="FreeFailures"/>; it doubles with every further failure...</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>...up to this: a wait, never a lockout an attacker could impose on a user for good.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Password hashes (PBKDF2, about 50 ms of CPU each) computed at once; 0: one per processor.</summary>
    public int MaxConcurrentHashes { get; set; }

    /// <summary>How long a login waits for a hashing slot before it is answered 503 with Retry-After.</summary>
    public TimeSpan HashQueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Requests served at once by this process; beyond it and the queue, 503 with Retry-After (0: no limit).</summary>
    public int MaxConcurrentRequests { get; set; } = 512;

    /// <summary>Requests waiting for a slot when <see cref="MaxConcurrentRequests"/> are being served.</summary>
    public int RequestQueue { get; set; } = 512;

    public int EffectiveMaxConcurrentHashes => MaxConcurrentHashes > 0 ? MaxConcurrentHashes : Environment.ProcessorCount;
}

/// <summary>
/// Exponential back-off per key (a user of an organization, a VTEX AppKey) after repeated failures: the first
/// <see cref="RateLimitOptions.FreeFailures"/> cost nothing, then each attempt waits <see cref="RateLimitOptions.FirstBackoff"/>,
/// doubling per failure up to <see cref="RateLimitOptions.MaxBackoff"/>; a success forgets the key. In memory, per process
/// (bounded: the oldest keys are dropped past 100,000). A singleton.
/// </summary>
public sealed class FailureBackoff(TimeProvider clock, RateLimitOptions options)
{
    private const int MaxKeys = 100_000;
    private readonly ConcurrentDictionary<string, Failures> failures = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset NotBefore);

    /// <summary>The longest wait of <paramref name="keys"/>; null when none has to wait.</summary>
    public TimeSpan? Wait(params ReadOnlySpan<string> keys)
    {
        TimeSpan? longest = null;
        foreach (var key in keys)
        {
            if (Wait(key) is { } wait && (longest is null || wait > longest))
            {
                longest = wait;
            }
        }

        return longest;
    }

    /// <summary>How long <paramref name="key"/> must still wait before its next attempt; null when it may try now.</summary>
    public TimeSpan? Wait(string key)
    {
        if (!failures.TryGetValue(key, out var state))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (now - state.Last > options.ForgetAfter)
        {
            failures.TryRemove(KeyValuePair.Create(key, state));
            return null;
        }

        return state.NotBefore > now ? state.NotBefore - now : null;
    }

    /// <summary>A failure of <paramref name="key"/>, which waits after <paramref name="freeFailures"/> of them (default: the setting).</summary>
    public void Failed(string key, int? freeFailures = null)
    {
        var now = clock.GetUtcNow();
        var state = failures.AddOrUpdate(key,
            _ => new Failures(1, now, now),
            (_, old) => new Failures(now - old.Last > options.ForgetAfter ? 1 : old.Count + 1, now, now));
        var over = state.Count - (freeFailures ?? options.FreeFailures) + 1; // the attempt after the last free failure waits
        if (over > 0)
        {
            var ticks = Math.Min(options.MaxBackoff.Ticks, options.FirstBackoff.Ticks * Math.Pow(2, Math.Min(over - 1, 40)));
            failures[key] = state with { NotBefore = now + TimeSpan.FromTicks((long)ticks) };
        }

        if (failures.Count > MaxKeys)
        {
            foreach (var old in failures.OrderBy(f => f.Value.Last).Take(failures.Count - MaxKeys / 2).ToList())
            {
                failures.TryRemove(old);
            }
        }
    }

    public void Succeeded(string key) => failures.TryRemove(key, out _);
}
