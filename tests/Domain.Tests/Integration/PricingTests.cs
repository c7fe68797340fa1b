using Cargamos.Modular.Domain.Integration;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Integration;

public sealed class PricingTests
{
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RateCard Card(int version = 1, decimal? extraKg = 10m, InsuranceTerms? insurance = null, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        new(RateCard.IdOf("s", version), "s", version, "MXN", 5000m,
            [new ZoneRate("z", [new WeightBand(1m, 50m), new WeightBand(5m, 80m)], extraKg)],
            insurance, from ?? From, to ?? From.AddYears(1), From, "op");

    private static PackageInformation Parcel(decimal kg, decimal l = 10, decimal w = 10, decimal h = 10, decimal? declared = null, string? currency = "MXN") =>
        new(kg, new PackageDimensions(l, w, h), declared, currency, null, null, null);

    [Theory]
    [InlineData(0.2, 50)]
    [InlineData(1.0, 50)]      // a band's bound belongs to it
    [InlineData(1.001, 80)]    // rounded up to 1.01 kg: the next band
    [InlineData(5.0, 80)]
    [InlineData(5.01, 90)]     // one started kg past the last band
    [InlineData(7.0, 100)]
    public void GivenAnActualWeight_WhenQuoted_ThenTheBandOrExtraKilogramsPriceIt(double kg, int expected)
    {
        var (price, failure) = Pricing.Quote(Card(), "z", Parcel((decimal)kg));
        Assert.Null(failure);
        Assert.Equal(expected, price!.Shipping);
        Assert.Equal(price.Shipping, price.Total);
    }

    [Fact]
    public void GivenABulkyParcel_WhenQuoted_ThenTheVolumetricWeightIsBilled()
    {
        // 40 x 30 x 20 = 24,000 cm³ / 5000 = 4.8 kg > 0.5 kg.
        var (price, _) = Pricing.Quote(Card(), "z", Parcel(0.5m, 40, 30, 20));
        Assert.Equal(4.8m, price!.VolumetricWeightKg);
        Assert.Equal(4.8m, price.BillableWeightKg);
        Assert.Equal(80m, price.Shipping);
    }

    [Fact]
    public void GivenNoExtraKilogramPrice_WhenHeavierThanTheLastBand_ThenNamedByTheFieldThatDecided()
    {
        var (heavy, byWeight) = Pricing.Quote(Card(extraKg: null), "z", Parcel(6m));
        Assert.Null(heavy);
        Assert.Equal("packageInformation.weight", byWeight!.Parameter);

        var (bulky, byDimensions) = Pricing.Quote(Card(extraKg: null), "z", Parcel(1m, 100, 100, 10));
        Assert.Null(bulky);
        Assert.Equal("packageInformation.dimensions", byDimensions!.Parameter);
    }

    [Theory]
    [InlineData(1000, 15)]       // 1.5 %
    [InlineData(100, 5)]         // 1.50 < the minimum
    [InlineData(1234.57, 18.52)] // 18.51855 rounded half away from zero
    public void GivenADeclaredValue_WhenInsured_ThenAShareOfItAtLeastTheMinimum(double declared, double expected)
    {
        var (price, _) = Pricing.Quote(Card(insurance: new InsuranceTerms(0.015m, 5m)), "z", Parcel(1m, declared: (decimal)declared));
        Assert.Equal((decimal)expected, price!.Insurance);
        Assert.Equal(50m + (decimal)expected, price.Total);
    }

    [Fact]
    public void GivenADeclaredValueInAnotherCurrency_WhenInsured_ThenNotPriced()
    {
        var (price, failure) = Pricing.Quote(Card(insurance: new InsuranceTerms(0.01m)), "z", Parcel(1m, declared: 100m, currency: "USD"));
        Assert.Null(price);
        Assert.Equal("packageInformation.currency", failure!.Parameter);
    }

    [Fact]
    public void GivenAZoneTheCardDoesNotPrice_WhenQuoted_ThenNotPriced() =>
        Assert.NotNull(Pricing.Quote(Card(), "other", Parcel(1m)).Failure);

    [Fact]
    public void GivenSeveralVersions_WhenInForce_ThenTheHighestValidThen()
    {
        var cop = Card(4, from: From.AddMonths(8)) with { Currency = "COP" };
        var cards = new[] { Card(1), Card(2, from: From.AddMonths(6)), Card(3, from: From.AddYears(5), to: From.AddYears(6)), cop };
        Assert.Equal(1, RateCard.InForce(cards, "MXN", From.AddMonths(1))!.Version);
        Assert.Equal(2, RateCard.InForce(cards, "MXN", From.AddMonths(9))!.Version); // a newer card in another currency does not replace it
        Assert.Equal(4, RateCard.InForce(cards, "COP", From.AddMonths(9))!.Version);
        Assert.Null(RateCard.InForce(cards, "COP", From.AddMonths(7)));
        Assert.Null(RateCard.InForce(cards, "MXN", From.AddYears(2)));
    }

    [Theory]
    [InlineData(0.5, 50)]
    [InlineData(0.005, 1)]
    [InlineData(12000.5, 1200050)]
    public void GivenAnAmount_WhenInCents_ThenRoundedToTheCent(double amount, long cents) =>
        Assert.Equal(cents, ShipmentPrice.Cents((decimal)amount));
}

public sealed class DeliveryPromiseTests
{
    private static readonly CoverageZone Zone = new("z", "mx", "Z", "America/Mexico_City", "DC", "c", [], []);

    private static readonly ZoneServiceLevel Level = new("z", 1, 3, 18,
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);

    private static DateTimeOffset Local(int day, int hour) => new(2026, 12, day, hour, 0, 0, TimeSpan.FromHours(-6));

    [Theory]
    [InlineData(1, 9, 1)]   // Tuesday before the cut-off: today
    [InlineData(1, 18, 2)]  // at the cut-off: tomorrow
    [InlineData(4, 20, 7)]  // Friday evening: Monday
    [InlineData(5, 9, 7)]   // Saturday: Monday
    public void GivenNoDropoffDate_WhenPromised_ThenTheFirstPossibleDropoffDay(int day, int hour, int dropoffDay)
    {
        var promise = ServiceLevelPolicy.Promise(Level, Zone, null, Local(day, hour));
        Assert.Equal(Local(dropoffDay, 18), promise.DropoffBy);
        Assert.Equal(new DateOnly(2026, 12, dropoffDay).AddDays(1), promise.Earliest);
        Assert.Equal(new DateOnly(2026, 12, dropoffDay).AddDays(3), promise.Latest);
    }

    [Fact]
    public void GivenADropoffDate_WhenPromised_ThenCountedFromIt()
    {
        var promise = ServiceLevelPolicy.Promise(Level, Zone, Local(10, 11), Local(1, 9));
        Assert.Equal(Local(10, 18), promise.DropoffBy);
        Assert.Equal(new DateOnly(2026, 12, 11), promise.Earliest);
        Assert.Equal(new DateOnly(2026, 12, 13), promise.Latest);
    }
}
