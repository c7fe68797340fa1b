using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Infrastructure.ReferenceData;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>coverage.csv: the shipped file is valid, and a broken one stops the start with the line to fix.</summary>
public sealed class CoverageCsvTests
{
    private const string Header = "zoneId,country,name,timeZone,distributionCenter,defaultCarrierId,postalCodeFrom,postalCodeTo";

    [Fact]
    public void The_shipped_file_holds_the_five_demo_zones()
    {
        var zones = CoverageCsv.Read(ReferenceDataSeeder.CsvPath);

        Assert.Equal(new[] { "mx-cdmx", "mx-gdl", "mx-mty", "co-bog", "br-sp" }, zones.Select(z => z.Id).ToArray());
        Assert.Contains(zones, z => z.Covers("br", "01310100") && z.TimeZone == "America/Sao_Paulo");
        Assert.DoesNotContain(zones, z => z.Covers("co", "033002"));

        // The places each demo zone serves without a postal code.
        var bogota = zones.Single(z => z.Id == "co-bog");
        Assert.True(bogota.ServesCity("BOGOTÁ"));
        Assert.True(bogota.Area!.Contains(4.65, -74.08));
        Assert.All(zones, z => Assert.NotNull(z.Area));
    }

    [Fact]
    public void Cities_and_area_columns_are_optional_and_checked()
    {
        var zones = CoverageCsv.Parse(
        [
            Header + ",cities,area",
            "mx-pue,mx,Puebla,America/Mexico_City,PUE,carrier,72000,72999,Puebla|Cholula,18.9|-98.3|19.15|-98.1",
            "mx-qro,mx,Querétaro,America/Mexico_City,QRO,carrier,76000,76999,,",
        ], "test.csv");

        Assert.Equal(new[] { "Puebla", "Cholula" }, zones[0].Cities);
        Assert.Equal(new GeoArea(18.9, -98.3, 19.15, -98.1), zones[0].Area);
        Assert.Null(zones[1].Cities);
        Assert.Null(zones[1].Area);

        var broken = Assert.Throws<InvalidOperationException>(() => CoverageCsv.Parse(
            [Header + ",cities,area", "mx-pue,mx,Puebla,America/Mexico_City,PUE,carrier,72000,72999,Puebla,19.15|-98.3|18.9|-98.1"], "test.csv"));
        Assert.Contains("north must be greater than south", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_of_one_zone_become_its_ranges_and_quoted_fields_may_hold_commas()
    {
        var zones = CoverageCsv.Parse(
        [
            Header,
            "co-bog,co,\"Bogotá, D.C.\",America/Bogota,BOG,carrier,110111,111999",
            "# a comment",
            "",
            "co-bog,co,\"Bogotá, D.C.\",America/Bogota,BOG,carrier,112000,112000",
        ], "test.csv");

        var zone = Assert.Single(zones);
        Assert.Equal("Bogotá, D.C.", zone.Name);
        Assert.Equal(2, zone.PostalCodeRanges.Count);
        Assert.True(zone.Covers("co", "112000"));
    }

    [Theory]
    [InlineData("zoneId,country", "header")]
    [InlineData(Header + "\nmx-a,mx,A,America/Mexico_City,DC,c,01000", "line 2: 7 fields")]
    [InlineData(Header + "\nmx-a,mx,A,Mars/Base,DC,c,01000,01999", "zone 'mx-a' (line 2)")]
    [InlineData(Header + "\nmx-a,mx,A,America/Mexico_City,DC,c,01000,01999\nmx-a,mx,B,America/Mexico_City,DC,c,02000,02999", "line 3")]
    [InlineData(Header + "\nmx-a,mx,A,America/Mexico_City,DC,c,01000,01999\nmx-b,mx,B,America/Mexico_City,DC,c,01500,02999", "overlaps zone 'mx-b'")]
    public void A_broken_file_is_refused_naming_the_problem(string text, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CoverageCsv.Parse(text.Split('\n'), "test.csv"));

        Assert.Contains(expected, error.Message);
    }
}
