using Marten;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// Zones are Marten documents (id = zone id); lookups read the process-wide <see cref="CoverageZoneCache"/>, which the
/// store's reference-data listener invalidates when a save or delete commits (here and on every other process).
/// </summary>
internal sealed class MartenCoverageCatalog(IDocumentSession session, CoverageZoneCache cache) : ICoverageCatalog
{
    public async Task<CoverageZone?> FindZone(string country, string normalizedPostalCode, CancellationToken ct)
    {
        var index = await cache.Current(LoadAll, ct);
        return index.Find(country, normalizedPostalCode);
    }

    public async Task<CoverageZone?> FindZoneByPlace(string country, string? city, double? latitude, double? longitude, CancellationToken ct)
    {
        var index = await cache.Current(LoadAll, ct);
        return CoverageByPlace.Find(index.Zones, country, city, latitude, longitude);
    }

    public Task<CoverageZone?> Get(string zoneId, CancellationToken ct) => session.LoadAsync<CoverageZone>(zoneId, ct);

    public Task<IReadOnlyList<CoverageZone>> List(CancellationToken ct) => LoadAll(ct);

    public async Task Save(CoverageZone zone, CancellationToken ct)
    {
        session.Store(zone);
        await session.SaveChangesAsync(ct);
    }

    public async Task<bool> Delete(string zoneId, CancellationToken ct)
    {
        if (await session.LoadAsync<CoverageZone>(zoneId, ct) is null)
        {
            return false;
        }

        session.Delete<CoverageZone>(zoneId);
        await session.SaveChangesAsync(ct);
        return true;
    }

    private Task<IReadOnlyList<CoverageZone>> LoadAll(CancellationToken ct) =>
        session.Query<CoverageZone>().OrderBy(z => z.Id).ToListAsync(ct);
}
