namespace Cargamos.Modular.Domain.ReferenceData;

/// <summary>An inclusive range of postal codes of one length ("01000".."16999").</summary>
public sealed record PostalCodeRange(string From, string To)
{
    public bool Contains(string postalCode) =>
        postalCode.Length == From.Length
        && string.CompareOrdinal(postalCode, From) >= 0
        && string.CompareOrdinal(postalCode, To) <= 0;

    public bool Overlaps(PostalCodeRange other) =>
        From.Length == other.From.Length
        && string.CompareOrdinal(From, other.To) <= 0
        && string.CompareOrdinal(other.From, To) <= 0;
}

/// <summary>A latitude/longitude box (degrees, WGS 84): south..north, west..east, edges included.</summary>
public sealed record GeoArea(double South, double West, double North, double East)
{
    public bool Contains(double latitude, double longitude) =>
        latitude >= South && latitude <= North && longitude >= West && longitude <= East;

    /// <summary>Square degrees: only to prefer the smaller of two areas that both contain a point.</summary>
    public double Size => (North - South) * (East - West);
}

/// <summary>
/// A last-mile zone: the postal codes of one country it covers (ranges and single codes), its IANA time zone,
/// the distribution center that serves it and the carrier that delivers there by default. Optionally the places it
/// serves without a postal code (<see cref="Cities"/>, <see cref="Area"/>): a destination that names no postal code
/// (VTEX's current protocol makes <c>zipCode</c> optional) resolves to a zone by its coordinates or its city
/// (<see cref="CoverageByPlace"/>).
/// </summary>
public sealed record CoverageZone(
    string Id,
    string Country,
    string Name,
    string TimeZone,
    string DistributionCenter,
    string DefaultCarrierId,
    IReadOnlyList<PostalCodeRange> PostalCodeRanges,
    IReadOnlyList<string> PostalCodes,
    IReadOnlyList<string>? Cities = null,
    GeoArea? Area = null)
{
    public bool Covers(string country, string normalizedPostalCode) =>
        string.Equals(Country, country, StringComparison.OrdinalIgnoreCase)
        && (PostalCodes.Contains(normalizedPostalCode) || PostalCodeRanges.Any(r => r.Contains(normalizedPostalCode)));

    public bool ServesCity(string city)
    {
        var key = CoverageByPlace.CityKey(city);
        return Cities?.Any(c => CoverageByPlace.CityKey(c) == key) == true;
    }
}

/// <summary>
/// The zone of a destination without a postal code: by its coordinates (the zone of the country whose area contains
/// them, the smallest when areas nest), else by its city (the one zone of the country that lists it; a city two zones
/// list does not resolve). Null when neither resolves.
/// </summary>
public static class CoverageByPlace
{
    public static CoverageZone? Find(IEnumerable<CoverageZone> zones, string country, string? city, double? latitude, double? longitude)
    {
        var inCountry = zones.Where(z => string.Equals(z.Country, country, StringComparison.OrdinalIgnoreCase)).ToList();
        if (latitude is { } lat && longitude is { } lng
            && inCountry.Where(z => z.Area?.Contains(lat, lng) == true).MinBy(z => z.Area!.Size) is { } byPoint)
        {
            return byPoint;
        }

        if (string.IsNullOrWhiteSpace(city))
        {
            return null;
        }

        var byCity = inCountry.Where(z => z.ServesCity(city)).Take(2).ToList();
        return byCity.Count == 1 ? byCity[0] : null;
    }

    /// <summary>A city name compared without case, accents or repeated spaces ("São  Paulo" = "sao paulo").</summary>
    public static string CityKey(string city)
    {
        var decomposed = city.Trim().Normalize(System.Text.NormalizationForm.FormD);
        var kept = decomposed.Where(c => System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark);
        return string.Join(' ', new string(kept.ToArray()).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
