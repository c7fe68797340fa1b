using Cargamos.Modular.Domain.Integration;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Domain.Tests.Integration;

public sealed class ServiceLevelPolicyTests
{
    // Tuesday 2026-12-01 09:00 in Mexico City (UTC-6).
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cdmx = TimeSpan.FromHours(-6);

    private static readonly CoverageZone Zone = new("mx-cdmx", "mx", "Mexico City", "America/Mexico_City", "CDMX-01", "servientrega",
        [new PostalCodeRange("01000", "16999")], []);

    private static readonly ShipperContract Contract = new("acme", ["mx", "co"],
        [new ZoneServiceLevel("mx-cdmx", 1, 3, 18, [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday])],
        new PackageLimits(30, 150, 300, 100_000), Now.AddYears(-1), Now.AddYears(1));

    private static DeliveryOrder Order(DateTimeOffset dropoff, DateTimeOffset delivery, decimal weight = 2, decimal side = 30, decimal? declared = 500, string country = "mx") => new(
        new RecipientLocation(country, "CDMX", "CDMX", null, null, "Orizaba", "1", null, "06700", null, null, null),
        new RecipientInformation("Ana", "+525512345678", null),
        new PackageInformation(weight, new PackageDimensions(side, 20, 10), declared, "MXN", null, null, null),
        dropoff, delivery, null, null);

    private static DateTimeOffset Local(int day, int hour) => new(2026, 12, day, hour, 0, 0, Cdmx);

    [Fact]
    public void GivenAFeasibleOrder_WhenChecked_ThenNoViolations() =>
        Assert.Empty(ServiceLevelPolicy.Check(Contract, Zone, Order(Local(1, 10), Local(3, 12)), Now));

    [Fact]
    public void GivenADropoffAtTheCutoffHour_WhenChecked_ThenRefused()
    {
        var violation = Assert.Single(ServiceLevelPolicy.Check(Contract, Zone, Order(Local(1, 18), Local(3, 12)), Now));
        Assert.Equal(("SERVICE_LEVEL_FAILURE", "shipperDropoffDate"), (violation.Code, violation.Parameter));
        Assert.Contains("18:00 local time", violation.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenADropoffGivenInUtc_WhenChecked_ThenTheZonesLocalTimeDecides()
    {
        // 23:30 UTC on Tuesday is 17:30 in Mexico City: before the 18:00 cut-off.
        var dropoff = new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero);
        Assert.Empty(ServiceLevelPolicy.Check(Contract, Zone, Order(dropoff, Local(3, 12)), Now));
    }

    [Fact]
    public void GivenASaturdayDropoff_WhenTheZoneWorksWeekdaysOnly_ThenRefusedNamingTheDay()
    {
        var violations = ServiceLevelPolicy.Check(Contract, Zone, Order(Local(5, 10), Local(7, 12)), Now);
        Assert.Contains(violations, v => v.Details.Contains("Saturday", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 1)] // same day: 0 days
    [InlineData(1, 5)] // 4 days
    public void GivenADeliveryOutsideTheLeadTime_WhenChecked_ThenRefusedWithTheWindow(int dropoffDay, int deliveryDay)
    {
        var violation = Assert.Single(ServiceLevelPolicy.Check(Contract, Zone, Order(Local(dropoffDay, 9), Local(deliveryDay, 20)), Now));
        Assert.Equal("expectedDeliveryDate", violation.Parameter);
        Assert.Contains("allows 1 to 3 day(s)", violation.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenADropoffInThePast_WhenChecked_ThenRefused_ButAMomentAgoIsTolerated()
    {
        Assert.Contains(ServiceLevelPolicy.Check(Contract, Zone, Order(Now.AddHours(-1), Local(3, 12)), Now), v => v.Details.Contains("in the past", StringComparison.Ordinal));
        Assert.Empty(ServiceLevelPolicy.Check(Contract, Zone, Order(Now.AddMinutes(-2), Local(3, 12)), Now));
    }

    [Fact]
    public void GivenACountryOutsideTheContract_WhenChecked_ThenRefused()
    {
        var violations = ServiceLevelPolicy.Check(Contract with { AllowedCountries = ["co"] }, Zone, Order(Local(1, 10), Local(3, 12)), Now);
        Assert.Equal("recipientLocation.country", Assert.Single(violations).Parameter);
    }

    [Fact]
    public void GivenAZoneWithoutServiceLevel_WhenChecked_ThenRefusedNamingTheZone()
    {
        var violations = ServiceLevelPolicy.Check(Contract with { ServiceLevels = [] }, Zone, Order(Local(1, 10), Local(3, 12)), Now);
        Assert.Contains("Mexico City (mx-cdmx)", Assert.Single(violations).Details, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenAPackageBeyondEveryLimit_WhenChecked_ThenEachLimitIsNamed()
    {
        var violations = ServiceLevelPolicy.Check(Contract, Zone, Order(Local(1, 10), Local(3, 12), weight: 31, side: 290, declared: 100_001), Now);
        Assert.All(violations, v => Assert.Equal("PACKAGE_LIMIT_EXCEEDED", v.Code));
        Assert.Equal(new[] { "packageInformation.declaredValue", "packageInformation.dimensions", "packageInformation.dimensions.length", "packageInformation.weight" },
            violations.Select(v => v.Parameter).Order().ToArray());
    }

    [Fact]
    public void GivenAPackageExactlyAtTheLimits_WhenChecked_ThenAccepted() =>
        Assert.Empty(ServiceLevelPolicy.Check(Contract, Zone, Order(Local(1, 10), Local(3, 12), weight: 30, side: 150, declared: 100_000), Now));
}
