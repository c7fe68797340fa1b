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

/// <summary>
/// A last-mile zone: the postal codes of one country it covers (ranges and single codes), its IANA time zone,
/// the distribution center that serves it and the carrier that delivers there by default.
/// </summary>
public sealed record CoverageZone(
    string Id,
    string Country,
    string Name,
    string TimeZone,
    string DistributionCenter,
    string DefaultCarrierId,
    IReadOnlyList<PostalCodeRange> PostalCodeRanges,
    IReadOnlyList<string> PostalCodes)
{
    public bool Covers(string country, string normalizedPostalCode) =>
        string.Equals(Country, country, StringComparison.OrdinalIgnoreCase)
        && (PostalCodes.Contains(normalizedPostalCode) || PostalCodeRanges.Any(r => r.Contains(normalizedPostalCode)));
}
