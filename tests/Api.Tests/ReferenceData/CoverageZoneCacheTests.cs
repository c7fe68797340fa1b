using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Infrastructure.ReferenceData;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>The lookup snapshot: kept while notifications are received, reloaded when a zone change is notified; the index answers like a scan.</summary>
public sealed class CoverageZoneCacheTests
{
    private static CoverageZone Zone(string id, string country, params (string From, string To)[] ranges) =>
        new(id, country, id, "America/Mexico_City", "DC", "carrier", ranges.Select(r => new PostalCodeRange(r.From, r.To)).ToList(), []);

    private sealed class Database
    {
        public List<CoverageZone> Zones { get; } = [Zone("mx-cdmx", "mx", ("01000", "16999"))];

        public int Loads { get; private set; }

        public Task<IReadOnlyList<CoverageZone>> Load(CancellationToken ct)
        {
            Loads++;
            return Task.FromResult<IReadOnlyList<CoverageZone>>(Zones.ToList());
        }
    }

    private static (CoverageZoneCache Cache, ReferenceDataChanges Changes) NewCache(bool listening = true)
    {
        var changes = new ReferenceDataChanges();
        if (listening)
        {
            changes.Connected();
        }

        return (new CoverageZoneCache(changes, TimeProvider.System), changes);
    }

    [Fact]
    public async Task The_snapshot_is_kept_until_a_zone_change_is_notified()
    {
        var (cache, changes) = NewCache();
        using var _ = cache;
        var database = new Database();
        Assert.Null((await cache.Current(database.Load, default)).Find("mx", "44100"));

        database.Zones.Add(Zone("mx-gdl", "mx", ("44100", "45999"))); // another API instance saved it
        changes.Changed(nameof(ShipperContract)); // another type: the zones stay
        Assert.Null((await cache.Current(database.Load, default)).Find("mx", "44100"));
        Assert.Equal(1, database.Loads);

        changes.Changed(nameof(CoverageZone));
        Assert.Equal("mx-gdl", (await cache.Current(database.Load, default)).Find("mx", "44100")?.Id);
        Assert.Equal(2, database.Loads);
    }

    [Fact]
    public async Task Without_notifications_every_lookup_reads_the_zones_and_a_reconnection_starts_over()
    {
        var (cache, changes) = NewCache(listening: false);
        using var _ = cache;
        var database = new Database();
        await cache.Current(database.Load, default);
        await cache.Current(database.Load, default);
        Assert.Equal(2, database.Loads);

        changes.Connected();
        await cache.Current(database.Load, default);
        await cache.Current(database.Load, default);
        Assert.Equal(3, database.Loads);

        changes.Disconnected();
        database.Zones.Clear();
        Assert.Null((await cache.Current(database.Load, default)).Find("mx", "06700"));
        changes.Connected();
        await cache.Current(database.Load, default);
        Assert.Equal(5, database.Loads);
    }

    [Fact]
    public async Task A_load_that_raced_an_invalidation_answers_but_is_not_kept()
    {
        var (cache, _) = NewCache();
        using var disposable = cache;
        var database = new Database();

        var first = await cache.Current(ct =>
        {
            cache.Invalidate(); // a save committed while this load was reading
            return database.Load(ct);
        }, default);

        Assert.NotNull(first.Find("mx", "06700"));
        await cache.Current(database.Load, default);
        Assert.Equal(2, database.Loads);
    }

    [Fact]
    public void The_index_answers_exactly_like_scanning_every_zone()
    {
        // 300 disjoint ranges of random widths in 30 zones, plus single codes, over the whole 5-digit space.
        var random = new Random(20261128);
        var zones = Enumerable.Range(0, 30).Select(i => (Id: $"z{i:00}", Ranges: new List<PostalCodeRange>(), Codes: new List<string>())).ToList();
        var next = 0;
        while (next < 99000)
        {
            var from = next + random.Next(0, 50);
            var to = from + random.Next(0, 400);
            var zone = zones[random.Next(zones.Count)];
            if (random.Next(5) == 0)
            {
                zone.Codes.Add(from.ToString("00000"));
                to = from;
            }
            else
            {
                zone.Ranges.Add(new PostalCodeRange(from.ToString("00000"), to.ToString("00000")));
            }

            next = to + 1;
        }

        var all = zones.Select(z => new CoverageZone(z.Id, "mx", z.Id, "America/Mexico_City", "DC", "c", z.Ranges, z.Codes))
            .Append(Zone("co-bog", "co", ("110111", "111999")))
            .ToList();
        var index = CoverageIndex.Build(all, DateTimeOffset.UtcNow);

        for (var code = 0; code < 100000; code += 7)
        {
            var postalCode = code.ToString("00000");
            Assert.Equal(all.FirstOrDefault(z => z.Covers("mx", postalCode))?.Id, index.Find("mx", postalCode)?.Id);
        }

        Assert.Equal("co-bog", index.Find("co", "110111")?.Id);
        Assert.Null(index.Find("co", "11011"));
        Assert.Null(index.Find("us", "10001"));
    }
}
