namespace Cargamos.Modular.Application.Common.Ports;

public enum IdempotencyClaimState
{
    /// <summary>First time this key is seen (or its record expired, or its first request died): go ahead.</summary>
    Claimed,

    /// <summary>The first request with this key is still being processed.</summary>
    InFlight,

    /// <summary>The key was used with another request body.</summary>
    Mismatch,

    /// <summary>The first request finished: replay its response.</summary>
    Completed,
}

public sealed record StoredResponse(int Status, string Body, string? Location);

public sealed record IdempotencyClaim(IdempotencyClaimState State, StoredResponse? Response = null);

/// <summary>Idempotency keys (IETF httpapi-idempotency-key-header semantics), scoped per caller, kept 24 hours.</summary>
public interface IIdempotencyStore
{
    Task<IdempotencyClaim> Claim(string scope, string key, string requestHash, CancellationToken ct);

    Task Complete(string scope, string key, StoredResponse response, CancellationToken ct);

    /// <summary>Forgets a claim whose request failed unexpectedly, so the client may retry with the same key.</summary>
    Task Release(string scope, string key, CancellationToken ct);
}
