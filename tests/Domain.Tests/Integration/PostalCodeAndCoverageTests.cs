using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Domain.Tests.Integration;

public sealed class PostalCodeAndCoverageTests
{
    [Theory]
    [InlineData("mx", "06700", "06700")]
    [InlineData("mx", " 06700 ", "06700")]
    [InlineData("co", "110111", "110111")]
    [InlineData("co", "033002", "033002")]
    [InlineData("us", "10001", "10001")]
    [InlineData("us", "10001-1234", "10001")]
    [InlineData("br", "01310-100", "01310100")]
    [InlineData("br", "01310100", "01310100")]
    public void GivenAWellFormedCode_WhenNormalize_ThenCanonicalForm(string country, string code, string expected) =>
        Assert.Equal(expected, PostalCodes.Normalize(country, code));

    [Theory]
    [InlineData("mx", "6700")]
    [InlineData("mx", "067000")]
    [InlineData("mx", "0670A")]
    [InlineData("mx", "06-700")]
    [InlineData("co", "11011")]
    [InlineData("co", "1101111")]
    [InlineData("us", "10001-12")]
    [InlineData("us", "1000112345")]
    [InlineData("br", "01310-10")]
    [InlineData("br", "0131-0100")]
    [InlineData("xx", "06700")]
    [InlineData("MX", "06700")]
    [InlineData("mx", "")]
    public void GivenAMalformedCodeOrUnknownCountry_WhenNormalize_ThenNull(string country, string code) =>
        Assert.Null(PostalCodes.Normalize(country, code));

    [Theory]
    [InlineData("mx", "5 digits")]
    [InlineData("co", "6 digits")]
    [InlineData("us", "ZIP+4")]
    [InlineData("br", "8 digits")]
    [InlineData("xx", "unknown")]
    public void EveryCountryNamesItsFormat(string country, string expected) =>
        Assert.Contains(expected, PostalCodes.FormatOf(country));

    [Theory]
    [InlineData("01000", true)]
    [InlineData("16999", true)]
    [InlineData("06700", true)]
    [InlineData("00999", false)]
    [InlineData("17000", false)]
    [InlineData("0670", false)]
    [InlineData("067000", false)]
    public void GivenARange_WhenContains_ThenBoundsAreInclusiveAndLengthMustMatch(string code, bool expected) =>
        Assert.Equal(expected, new PostalCodeRange("01000", "16999").Contains(code));

    [Theory]
    [InlineData("01000", "16999", "16999", "20000", true)]   // touching at one code
    [InlineData("01000", "16999", "05000", "06000", true)]   // inside
    [InlineData("05000", "06000", "01000", "16999", true)]   // around
    [InlineData("01000", "16999", "17000", "20000", false)]  // adjacent, not overlapping
    [InlineData("17000", "20000", "01000", "16999", false)]
    [InlineData("10000", "19999", "100000", "199999", false)] // other length: never the same country's codes
    public void GivenTwoRanges_WhenOverlaps_ThenSymmetricAndInclusive(string from1, string to1, string from2, string to2, bool expected)
    {
        var a = new PostalCodeRange(from1, to1);
        var b = new PostalCodeRange(from2, to2);
        Assert.Equal(expected, a.Overlaps(b));
        Assert.Equal(expected, b.Overlaps(a));
    }

    private static readonly CoverageZone MexicoCity = new("mx-cdmx", "mx", "Mexico City", "America/Mexico_City", "CDMX-VALLEJO",
        "servientrega-50461c9f3335", [new PostalCodeRange("01000", "16999")], ["54000"]);

    [Theory]
    [InlineData("mx", "06700", true)]
    [InlineData("MX", "06700", true)]   // the country is compared without case
    [InlineData("mx", "54000", true)]   // a single code
    [InlineData("mx", "54001", false)]
    [InlineData("mx", "44100", false)]
    [InlineData("co", "06700", false)]  // same digits, other country
    public void GivenAZone_WhenCovers_ThenRangesAndSingleCodesOfItsCountryOnly(string country, string code, bool expected) =>
        Assert.Equal(expected, MexicoCity.Covers(country, code));
}

public sealed class CoverageByPlaceTests
{
    private static CoverageZone Zone(string id, string country, GeoArea? area, params string[] cities) =>
        new(id, country, id, "America/Mexico_City", "DC", "c", [], [], cities.Length == 0 ? null : cities, area);

    private static readonly CoverageZone Metro = Zone("mx-metro", "mx", new GeoArea(19.0, -99.4, 19.7, -98.9), "Ciudad de México", "Naucalpan");
    private static readonly CoverageZone Centro = Zone("mx-centro", "mx", new GeoArea(19.40, -99.18, 19.46, -99.10), "Ciudad de México");
    private static readonly CoverageZone Puebla = Zone("mx-pue", "mx", new GeoArea(18.9, -98.3, 19.15, -98.1), "Puebla");
    private static readonly CoverageZone Bogota = Zone("co-bog", "co", new GeoArea(4.45, -74.25, 4.85, -73.98), "Bogotá");
    private static readonly CoverageZone[] Zones = [Metro, Centro, Puebla, Bogota];

    [Fact]
    public void GivenCoordinates_WhenInsideNestedAreas_ThenTheSmallestZone()
    {
        Assert.Equal(Centro, CoverageByPlace.Find(Zones, "mx", null, 19.43, -99.13));
        Assert.Equal(Metro, CoverageByPlace.Find(Zones, "mx", null, 19.30, -99.20));
    }

    [Fact]
    public void GivenCoordinatesOfAnotherCountry_WhenFound_ThenOnlyThatCountrysZones() =>
        Assert.Null(CoverageByPlace.Find(Zones, "mx", null, 4.6, -74.1));

    [Theory]
    [InlineData("PUEBLA")]
    [InlineData("  puebla ")]
    public void GivenOnlyACity_WhenOneZoneListsIt_ThenThatZone(string city) =>
        Assert.Equal(Puebla, CoverageByPlace.Find(Zones, "mx", city, null, null));

    [Fact]
    public void GivenACityWithoutAccents_WhenTheZoneListsItWithAccents_ThenItMatches() =>
        Assert.Equal(Bogota, CoverageByPlace.Find(Zones, "co", "bogota", null, null));

    [Fact]
    public void GivenACityTwoZonesList_WhenNoCoordinates_ThenNotResolved() =>
        Assert.Null(CoverageByPlace.Find(Zones, "mx", "Ciudad de Mexico", null, null));

    [Fact]
    public void GivenCoordinatesOutsideEveryArea_WhenACityIsGiven_ThenTheCityDecides() =>
        Assert.Equal(Puebla, CoverageByPlace.Find(Zones, "mx", "Puebla", -33.2, -135.0));
}
