using Cargamos.Modular.Application.ReferenceData;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// Loads the demo coverage zones (coverage.csv, next to the binaries) and the demo shippers' contracts at every start
/// (Development and tests only). Idempotent upserts: the demo zones and the two demo contracts are put back as the
/// files say, undoing an operator's edits to them; zones and contracts with other ids are left alone. A demo zone that
/// would overlap a zone an operator created is skipped with a warning, so the store never holds overlapping zones.
/// </summary>
internal sealed class ReferenceDataSeeder(
    IServiceScopeFactory scopes, CoverageZoneCache cache, DemoRateCardOption rateCardOption, ILogger<ReferenceDataSeeder> logger)
    : IHostedService
{
    /// <summary>The shipper whose demo rate cards are seeded (<c>./run.sh</c> only): MXN for its Mexican zones, COP for Bogotá.</summary>
    public const string RateCardShipper = "demo-shipper";

    /// <summary>
    /// The demo rate cards: version 1 in MXN (bands up to 30 kg, then 12.50 per extra kg; insurance 1.5 %, at least 10)
    /// and version 2 in COP (bands up to 30 kg, then 2,500 per extra kg; insurance 1 %, at least 2,000).
    /// </summary>
    public static IReadOnlyList<RateCard> DemoRateCards(IReadOnlyList<CoverageZone> zones, DateTimeOffset now)
    {
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        List<ZoneRate> Priced(string country, WeightBand[] bands, decimal extraKg) =>
            zones.Where(z => z.Country == country).Select(z => new ZoneRate(z.Id, bands, extraKg)).ToList();
        return
        [
            new(RateCard.IdOf(RateCardShipper, 1), RateCardShipper, 1, "MXN", 5000m,
                Priced("mx", [new(1m, 79m), new(5m, 99m), new(10m, 139m), new(30m, 249m)], 12.5m), new InsuranceTerms(0.015m, 10m), from, to, now, "demo-data"),
            new(RateCard.IdOf(RateCardShipper, 2), RateCardShipper, 2, "COP", 5000m,
                Priced("co", [new(1m, 12000m), new(5m, 15000m), new(10m, 21000m), new(30m, 38000m)], 2500m), new InsuranceTerms(0.01m, 2000m), from, to, now, "demo-data"),
        ];
    }

    public static string CsvPath => Path.Combine(AppContext.BaseDirectory, "ReferenceData", "coverage.csv");

    public static readonly IReadOnlyList<DayOfWeek> MondayToSaturday =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday];

    public static readonly (string ShipperId, string[] Countries)[] DemoShippers =
    [
        ("demo-shipper", ["mx", "co"]),
        ("other-shipper", ["mx", "co", "br"]),
    ];

    public static ShipperContract DemoContract(string shipperId, IReadOnlyList<string> countries, IEnumerable<string> zoneIds) => new(
        shipperId,
        countries,
        zoneIds.Select(id => new ZoneServiceLevel(id, MinDays: 1, MaxDays: 7, DropoffCutoffHour: 18, MondayToSaturday)).ToList(),
        new PackageLimits(MaxWeightKg: 30m, MaxSideCm: 150m, MaxSumOfSidesCm: 300m, MaxDeclaredValue: 100000m),
        new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(CsvPath))
        {
            throw new InvalidOperationException($"The demo coverage file is missing: {CsvPath} (src/Infrastructure/ReferenceData/coverage.csv, copied to the output).");
        }

        var demoZones = CoverageCsv.Read(CsvPath);
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        var stored = await session.Query<CoverageZone>().ToListAsync(cancellationToken);
        var seeded = new List<string>();
        foreach (var zone in demoZones)
        {
            var overlaps = CoverageOverlaps.Between(zone, stored.Where(z => demoZones.All(d => d.Id != z.Id)));
            if (overlaps.Count > 0)
            {
                logger.LogWarning("Demo zone {ZoneId} not loaded: {Range} overlaps zone {OtherZone} {OtherRange} created by an operator",
                    zone.Id, overlaps[0].Item.Display, overlaps[0].OtherZone.Id, overlaps[0].OtherItem.Display);
                if (stored.Any(z => z.Id == zone.Id))
                {
                    seeded.Add(zone.Id);
                }

                continue;
            }

            session.Store(zone);
            seeded.Add(zone.Id);
        }

        foreach (var (shipperId, countries) in DemoShippers)
        {
            session.Store(DemoContract(shipperId, countries, seeded));
        }

        // Versions are immutable: the demo card is added once, never replaced.
        if (rateCardOption.Seed && !await session.Query<RateCard>().AnyAsync(c => c.ShipperId == RateCardShipper, cancellationToken))
        {
            session.Insert(DemoRateCards(demoZones.Where(z => seeded.Contains(z.Id)).ToList(), DateTimeOffset.UtcNow).ToArray());
        }

        await session.SaveChangesAsync(cancellationToken);
        cache.Invalidate();
        logger.LogInformation("Demo coverage zones ({Count}) and shipper contracts are loaded", seeded.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Whether the demo data includes <see cref="ReferenceDataSeeder.DemoRateCards"/> (Development's <c>./run.sh</c>; tests opt in).</summary>
internal sealed record DemoRateCardOption(bool Seed);
