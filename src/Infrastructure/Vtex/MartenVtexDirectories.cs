using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Application.Vtex.Contracts;
using Cargamos.Modular.Infrastructure.Common;
using Marten;

namespace Cargamos.Modular.Infrastructure.Vtex;

/// <summary>Carriers read from memory (<see cref="VtexDirectoryCache"/>), by id and by API key hash, unknown ones included.</summary>
internal sealed class MartenCarrierDirectory(IQuerySession session, VtexDirectoryCache cache) : ICarrierDirectory
{
    public Task<CarrierAccount?> Get(string carrierId, CancellationToken ct) =>
        cache.Carriers.Get(carrierId, (id, token) => session.LoadAsync<CarrierAccount>(id, token), ct);

    public Task<CarrierAccount?> FindByApiKey(string apiKey, CancellationToken ct) =>
        cache.CarriersByApiKeyHash.Get(SecretHashes.Of(apiKey),
            (hash, token) => session.Query<CarrierAccount>().FirstOrDefaultAsync(c => c.ApiKeyHash == hash, token), ct);
}

/// <summary>Carrier names for other modules (the public tracking page), from the same cached directory.</summary>
internal sealed class CarrierNames(ICarrierDirectory directory) : ICarrierNames
{
    public async Task<string?> NameOf(string carrierId, CancellationToken ct) => (await directory.Get(carrierId, ct))?.Name;
}

/// <summary>VTEX accounts read from memory (<see cref="VtexDirectoryCache"/>), unknown AppKeys included.</summary>
internal sealed class MartenVtexAccounts(IQuerySession session, VtexDirectoryCache cache) : IVtexAccounts
{
    public Task<VtexAccount?> Find(string appKey, CancellationToken ct) =>
        cache.Accounts.Get(appKey, (id, token) => session.LoadAsync<VtexAccount>(id, token), ct);
}

/// <summary>The process-wide caches of carriers and VTEX accounts, invalidated by <see cref="ReferenceDataChanges"/>. A singleton.</summary>
internal sealed class VtexDirectoryCache(ReferenceDataChanges changes)
{
    public ReferenceCache<string, CarrierAccount?> Carriers { get; } = changes.Cache<string, CarrierAccount?>(typeof(CarrierAccount));

    // Keyed by the hash, so no API key is held in memory longer than a request.
    public ReferenceCache<string, CarrierAccount?> CarriersByApiKeyHash { get; } = changes.Cache<string, CarrierAccount?>(typeof(CarrierAccount));

    public ReferenceCache<string, VtexAccount?> Accounts { get; } = changes.Cache<string, VtexAccount?>(typeof(VtexAccount));
}
