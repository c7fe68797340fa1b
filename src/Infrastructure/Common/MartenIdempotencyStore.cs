using Cargamos.Modular.Application.Common.Ports;
using JasperFx;
using Marten;

namespace Cargamos.Modular.Infrastructure.Common;

public sealed record IdempotencyRecord(
    string Id,
    string RequestHash,
    bool Completed,
    StoredResponse? Response,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>
/// Claims are inserted in their own transaction (the primary key makes concurrent claims of one key exclusive),
/// independent of the request's unit of work.
/// </summary>
internal sealed class MartenIdempotencyStore(IDocumentStore store, TimeProvider clock) : IIdempotencyStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    // A claim older than this that never completed belongs to a request that died with its process.
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    public async Task<IdempotencyClaim> Claim(string scope, string key, string requestHash, CancellationToken ct)
    {
        var id = Id(scope, key);
        var now = clock.GetUtcNow();
        var claim = new IdempotencyRecord(id, requestHash, false, null, now, now + Retention);
        await using var session = store.LightweightSession();
        session.Insert(claim);
        try
        {
            await session.SaveChangesAsync(ct);
            return new IdempotencyClaim(IdempotencyClaimState.Claimed);
        }
        catch (DocumentAlreadyExistsException)
        {
        }

        await using var reader = store.LightweightSession();
        var existing = await reader.LoadAsync<IdempotencyRecord>(id, ct);
        if (existing is null || existing.ExpiresAt < now || (!existing.Completed && existing.CreatedAt < now - Abandoned))
        {
            // Optimistic take-over: only one of several concurrent retries replaces the stale record.
            return await TakeOver(claim, existing, ct);
        }

        if (!existing.Completed)
        {
            return new IdempotencyClaim(IdempotencyClaimState.InFlight);
        }

        return existing.RequestHash == requestHash
            ? new IdempotencyClaim(IdempotencyClaimState.Completed, existing.Response)
            : new IdempotencyClaim(IdempotencyClaimState.Mismatch);
    }

    private async Task<IdempotencyClaim> TakeOver(IdempotencyRecord claim, IdempotencyRecord? stale, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (stale is not null)
        {
            session.Delete<IdempotencyRecord>(stale.Id);
        }

        session.Insert(claim);
        try
        {
            await session.SaveChangesAsync(ct);
            return new IdempotencyClaim(IdempotencyClaimState.Claimed);
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or ConcurrencyException)
        {
            return new IdempotencyClaim(IdempotencyClaimState.InFlight);
        }
    }

    public async Task Complete(string scope, string key, StoredResponse response, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var record = await session.LoadAsync<IdempotencyRecord>(Id(scope, key), ct);
        if (record is not null)
        {
            session.Store(record with { Completed = true, Response = response });
            await session.SaveChangesAsync(ct);
        }
    }

    public async Task Release(string scope, string key, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Delete<IdempotencyRecord>(Id(scope, key));
        await session.SaveChangesAsync(ct);
    }

    private static string Id(string scope, string key) => $"{scope}\n{key}";
}
