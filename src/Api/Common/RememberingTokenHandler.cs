using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The JWT handler of one bearer scheme, remembering each token it validated until that token expires. A client sends
/// the same token with every request of its lifetime, and validating it again (decoding it, parsing its JSON, checking
/// its signature, building its claims) was about 9% of a tracking read's CPU.
/// </summary>
/// <remarks>
/// Only successful validations of tokens that expire are kept, each until the end of the lifetime it was validated with
/// (its <c>exp</c> plus the scheme's clock skew, on the system clock the validation itself reads);
/// a failure is never kept. Nothing a token says changes while it is valid, and whether its user or carrier may still
/// act is checked on every request anyway (<c>CallerStanding</c>, <c>CarrierStanding</c>). One instance per
/// scheme, whose validation parameters do not change: a token valid for one scheme's audience is never taken for
/// another's. Each request gets its own copy of the claims. At most <see cref="Capacity"/> tokens; when full, it starts
/// over.
/// </remarks>
internal sealed class RememberingTokenHandler : JsonWebTokenHandler
{
    internal const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Remembered> valid = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;

    /// <param name="clock">The clock of the validation's lifetime check (tests give theirs with a <c>LifetimeValidator</c>).</param>
    public RememberingTokenHandler(TimeProvider? clock = null)
    {
        this.clock = clock ?? TimeProvider.System;
        MapInboundClaims = false;
    }

    /// <summary>Tokens remembered now (for tests).</summary>
    internal int Count => valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (valid.TryGetValue(token, out var known))
        {
            if (now <= known.Until)
            {
                return known.Copy();
            }

            valid.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid || !validationParameters.ValidateLifetime || result.SecurityToken is not { ValidTo: var expires } || expires == DateTime.MinValue)
        {
            return result;
        }

        if (valid.Count >= Capacity)
        {
            valid.Clear();
        }

        var remembered = new Remembered(result, expires + validationParameters.ClockSkew);
        valid[token] = remembered;
        return remembered.Copy();
    }

    private sealed record Remembered(TokenValidationResult Result, DateTime Until)
    {
        // The claims are the request's own (an identity can be added to); the token and its issuer are read only.
        public TokenValidationResult Copy() => new()
        {
            IsValid = true,
            ClaimsIdentity = Result.ClaimsIdentity.Clone(),
            SecurityToken = Result.SecurityToken,
            Issuer = Result.Issuer,
            TokenType = Result.TokenType,
        };
    }
}
