using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// The process-wide snapshot of every coverage zone that coverage lookups read (one per order, and per row of a
/// spreadsheet). Zones are few, so all of them are held. Any change to a zone, committed by any API process, invalidates
/// it through <see cref="ReferenceDataChanges"/>; while this process does not receive those notifications, every lookup
/// reads the zones again and nothing is kept. A singleton.
/// </summary>
internal sealed class CoverageZoneCache : IDisposable
{
    private readonly SemaphoreSlim reload = new(1, 1);
    private readonly ReferenceDataChanges changes;
    private readonly TimeProvider clock;
    private CoverageIndex? current;
    private long generation;

    public CoverageZoneCache(ReferenceDataChanges changes, TimeProvider clock)
    {
        this.changes = changes;
        this.clock = clock;
        changes.OnChange(typeof(CoverageZone), Invalidate);
    }

    public async ValueTask<CoverageIndex> Current(Func<CancellationToken, Task<IReadOnlyList<CoverageZone>>> load, CancellationToken ct)
    {
        var index = Volatile.Read(ref current);
        if (index is not null && changes.Listening)
        {
            return index;
        }

        // One reload at a time: concurrent lookups wait for it instead of all querying the database.
        await reload.WaitAsync(ct);
        try
        {
            index = Volatile.Read(ref current);
            if (index is not null && changes.Listening)
            {
                return index;
            }

            var loadedGeneration = Interlocked.Read(ref generation);
            var listening = changes.Listening;
            var loaded = CoverageIndex.Build(await load(ct), clock.GetUtcNow());

            // A change committed while loading may be missing from what was read: answer with it, but do not keep it.
            if (listening && changes.Listening && Interlocked.Read(ref generation) == loadedGeneration)
            {
                Volatile.Write(ref current, loaded);
            }

            return loaded;
        }
        finally
        {
            reload.Release();
        }
    }

    /// <summary>Called when a zone change has been committed (here or elsewhere): the next lookup reloads.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        Volatile.Write(ref current, null);
    }

    public void Dispose() => reload.Dispose();
}

/// <summary>
/// An immutable lookup index: single codes in a dictionary, ranges sorted by their start for a binary search. Correct
/// because no two zones of a country overlap (the write path and the demo seeder refuse overlaps).
/// </summary>
internal sealed class CoverageIndex
{
    private readonly Dictionary<string, CountryIndex> countries;

    private CoverageIndex(Dictionary<string, CountryIndex> countries, DateTimeOffset loadedAt, IReadOnlyList<CoverageZone> zones)
    {
        this.countries = countries;
        LoadedAt = loadedAt;
        Zones = zones;
    }

    public DateTimeOffset LoadedAt { get; }

    public int ZoneCount => Zones.Count;

    /// <summary>Every zone, by id (the few lookups by place scan them).</summary>
    public IReadOnlyList<CoverageZone> Zones { get; }

    public static CoverageIndex Build(IReadOnlyList<CoverageZone> zones, DateTimeOffset loadedAt)
    {
        // Ordered by id so that, should overlapping data ever be written around the API, the answer is at least stable.
        var ordered = zones.OrderBy(z => z.Id, StringComparer.Ordinal).ToList();
        var byCountry = ordered
            .GroupBy(z => z.Country, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => CountryIndex.Build(g), StringComparer.OrdinalIgnoreCase);
        return new CoverageIndex(byCountry, loadedAt, ordered);
    }

    public CoverageZone? Find(string country, string normalizedPostalCode) =>
        countries.TryGetValue(country, out var index) ? index.Find(normalizedPostalCode) : null;

    private sealed class CountryIndex(Dictionary<string, CoverageZone> codes, string[] froms, string[] tos, CoverageZone[] owners)
    {
        public static CountryIndex Build(IEnumerable<CoverageZone> zones)
        {
            var codes = new Dictionary<string, CoverageZone>(StringComparer.Ordinal);
            var ranges = new List<(PostalCodeRange Range, CoverageZone Zone)>();
            foreach (var zone in zones)
            {
                foreach (var code in zone.PostalCodes)
                {
                    codes.TryAdd(code, zone);
                }

                ranges.AddRange(zone.PostalCodeRanges.Select(r => (r, zone)));
            }

            // Codes of one country all have the same length, so ordinal order of the starts is numeric order.
            var sorted = ranges.OrderBy(r => r.Range.From, StringComparer.Ordinal).ToArray();
            return new CountryIndex(codes, sorted.Select(r => r.Range.From).ToArray(), sorted.Select(r => r.Range.To).ToArray(),
                sorted.Select(r => r.Zone).ToArray());
        }

        public CoverageZone? Find(string code)
        {
            if (codes.TryGetValue(code, out var zone))
            {
                return zone;
            }

            // The last range starting at or before the code is the only one that can contain it.
            var at = Array.BinarySearch(froms, code, StringComparer.Ordinal);
            var candidate = at >= 0 ? at : ~at - 1;
            return candidate >= 0 && froms[candidate].Length == code.Length && string.CompareOrdinal(code, tos[candidate]) <= 0
                ? owners[candidate]
                : null;
        }
    }
}
