using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>One range or single code of a zone, named by its place in the request ("postalCodeRanges[0]", "postalCodes[2]").</summary>
internal sealed record CoverageItem(string Parameter, PostalCodeRange Range)
{
    public string Display => Range.From == Range.To ? Range.From : $"{Range.From}-{Range.To}";
}

internal sealed record CoverageOverlap(CoverageItem Item, CoverageZone OtherZone, CoverageItem OtherItem);

/// <summary>
/// A postal code belongs to at most one zone of its country: that is what makes a coverage lookup unambiguous
/// (and lets the lookup index answer with one binary search).
/// </summary>
internal static class CoverageOverlaps
{
    public const string Code = "COVERAGE_OVERLAP";

    /// <summary>A zone's ranges and single codes (a single code as a range of one).</summary>
    public static IReadOnlyList<CoverageItem> ItemsOf(CoverageZone zone) =>
        zone.PostalCodeRanges.Select((r, i) => new CoverageItem($"postalCodeRanges[{i}]", r))
            .Concat(zone.PostalCodes.Select((c, i) => new CoverageItem($"postalCodes[{i}]", new PostalCodeRange(c, c))))
            .ToList();

    /// <summary>Every overlap of <paramref name="zone"/> with the other zones (same country, another id), in the zone's own order.</summary>
    public static IReadOnlyList<CoverageOverlap> Between(CoverageZone zone, IEnumerable<CoverageZone> zones)
    {
        var others = zones.Where(z => z.Id != zone.Id && string.Equals(z.Country, zone.Country, StringComparison.OrdinalIgnoreCase))
            .Select(z => (Zone: z, Items: ItemsOf(z)))
            .ToList();
        return (
            from item in ItemsOf(zone)
            from other in others
            from otherItem in other.Items
            where item.Range.Overlaps(otherItem.Range)
            select new CoverageOverlap(item, other.Zone, otherItem)).ToList();
    }

    /// <summary>Pairs (earlier, later) of items of one zone that overlap each other.</summary>
    public static IEnumerable<(CoverageItem First, CoverageItem Second)> Within(IReadOnlyList<CoverageItem> items)
    {
        for (var j = 1; j < items.Count; j++)
        {
            var first = items.Take(j).FirstOrDefault(i => i.Range.Overlaps(items[j].Range));
            if (first is not null)
            {
                yield return (first, items[j]);
            }
        }
    }

    public static AppError Conflict(IReadOnlyList<CoverageOverlap> overlaps) =>
        new(ErrorKind.Conflict, overlaps.Select(o => new ErrorDetail(Code, "The postal codes are already covered by another zone.",
            $"{o.Item.Parameter} {o.Item.Display} overlaps zone '{o.OtherZone.Id}' ({o.OtherZone.Name}) {Describe(o.OtherItem)}; " +
            "a postal code belongs to one zone only: shrink or delete the other zone first.",
            o.Item.Parameter)).ToList());

    private static string Describe(CoverageItem item) =>
        item.Range.From == item.Range.To ? $"postal code {item.Display}" : $"range {item.Display}";
}
