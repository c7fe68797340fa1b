using System.Globalization;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Domain.Integration;

/// <summary>One broken rule of the requested service level: which rule, with the values involved.</summary>
public sealed record ServiceLevelViolation(string Code, string Details, string Parameter);

/// <summary>
/// Layer 4 of integration: can the requested service level be honored under the shipper's contract in the
/// destination zone? Pure: (contract, zone, order, now) -> every violation at once.
/// </summary>
public static class ServiceLevelPolicy
{
    public const string ServiceLevelFailure = "SERVICE_LEVEL_FAILURE";
    public const string PackageLimitExceeded = "PACKAGE_LIMIT_EXCEEDED";

    /// <summary>A dropoff date this close in the past is still accepted (clock skew between the shipper and us).</summary>
    public static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<ServiceLevelViolation> Check(ShipperContract contract, CoverageZone zone, DeliveryOrder order, DateTimeOffset now) =>
        Check(contract, zone, order.RecipientLocation.Country, order.RecipientLocation.PostalCode, order.PackageInformation,
            order.ShipperDropoffDate, order.ExpectedDeliveryDate, now);

    /// <summary>
    /// The same checks for a quote, whose dates are optional: without a dropoff date none is checked; without an expected
    /// delivery date the number of days is not.
    /// </summary>
    public static IReadOnlyList<ServiceLevelViolation> Check(
        ShipperContract contract, CoverageZone zone, string country, string? postalCode, PackageInformation package,
        DateTimeOffset? dropoff, DateTimeOffset? expectedDelivery, DateTimeOffset now)
    {
        var violations = new List<ServiceLevelViolation>();
        if (!contract.AllowedCountries.Contains(country, StringComparer.OrdinalIgnoreCase))
        {
            violations.Add(new(ServiceLevelFailure,
                $"The contract does not include deliveries in '{country}'; allowed countries: {string.Join(", ", contract.AllowedCountries)}.",
                "recipientLocation.country"));
        }

        var level = contract.ServiceLevelFor(zone.Id);
        if (level is null)
        {
            violations.Add(new(ServiceLevelFailure,
                $"The contract has no service level for the zone {zone.Name} ({zone.Id}) that covers {(postalCode is null ? "the destination" : $"postal code {postalCode}")}.",
                "recipientLocation.postalCode"));
        }
        else if (dropoff is { } dropoffDate)
        {
            CheckDates(level, zone, dropoffDate, expectedDelivery, now, violations);
        }

        CheckPackage(contract.PackageLimits, package, violations);
        return violations;
    }

    /// <summary>
    /// What a shipper is promised in a zone: drop the parcel off by <paramref name="DropoffBy"/> (the cut-off of the dropoff
    /// day, zone local time) and it is delivered between <paramref name="Earliest"/> and <paramref name="Latest"/> (zone local dates).
    /// </summary>
    public sealed record DeliveryPromise(DateTimeOffset DropoffBy, DateOnly Earliest, DateOnly Latest);

    /// <summary>
    /// The promise for a parcel dropped off at <paramref name="dropoff"/>, or, without one, at the first moment it can be:
    /// today in the zone if it operates today and the cut-off has not passed, else its next operating day.
    /// </summary>
    public static DeliveryPromise Promise(ZoneServiceLevel level, CoverageZone zone, DateTimeOffset? dropoff, DateTimeOffset now)
    {
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone.TimeZone);
        var local = TimeZoneInfo.ConvertTime(dropoff ?? now, timeZone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (dropoff is null && (local.Hour >= level.DropoffCutoffHour || !level.OperatingDays.Contains(day.DayOfWeek)))
        {
            do
            {
                day = day.AddDays(1);
            }
            while (level.OperatingDays.Count > 0 && !level.OperatingDays.Contains(day.DayOfWeek) && day < DateOnly.FromDateTime(local.DateTime).AddDays(8));
        }

        var cutoff = day.ToDateTime(new TimeOnly(level.DropoffCutoffHour, 0));
        var dropoffBy = new DateTimeOffset(cutoff, timeZone.GetUtcOffset(cutoff));
        return new DeliveryPromise(dropoffBy, day.AddDays(level.MinDays), day.AddDays(level.MaxDays));
    }

    private static void CheckDates(
        ZoneServiceLevel level, CoverageZone zone, DateTimeOffset dropoffDate, DateTimeOffset? expectedDelivery, DateTimeOffset now,
        List<ServiceLevelViolation> violations)
    {
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone.TimeZone);
        var dropoff = TimeZoneInfo.ConvertTime(dropoffDate, timeZone);

        if (dropoffDate < now - PastTolerance)
        {
            violations.Add(new(ServiceLevelFailure,
                $"shipperDropoffDate {Iso(dropoffDate)} is in the past (now: {Iso(now)}).", "shipperDropoffDate"));
        }

        if (expectedDelivery is { } expected && expected <= dropoffDate)
        {
            violations.Add(new(ServiceLevelFailure,
                $"expectedDeliveryDate {Iso(expected)} must be after shipperDropoffDate {Iso(dropoffDate)}.",
                "expectedDeliveryDate"));
            return;
        }

        if (!level.OperatingDays.Contains(dropoff.DayOfWeek))
        {
            violations.Add(new(ServiceLevelFailure,
                $"shipperDropoffDate falls on a {dropoff.DayOfWeek} in {zone.Name} ({zone.TimeZone}); operating days: {string.Join(", ", level.OperatingDays)}.",
                "shipperDropoffDate"));
        }

        if (dropoff.Hour >= level.DropoffCutoffHour)
        {
            violations.Add(new(ServiceLevelFailure,
                $"shipperDropoffDate is {dropoff:HH:mm} local time in {zone.Name} ({zone.TimeZone}), at or after the dropoff cut-off of {level.DropoffCutoffHour:00}:00.",
                "shipperDropoffDate"));
        }

        if (expectedDelivery is null)
        {
            return;
        }

        var delivery = TimeZoneInfo.ConvertTime(expectedDelivery.Value, timeZone);
        var days = delivery.Date.Subtract(dropoff.Date).Days;
        if (days < level.MinDays || days > level.MaxDays)
        {
            violations.Add(new(ServiceLevelFailure,
                $"expectedDeliveryDate is {days} day(s) after shipperDropoffDate in {zone.Name}; the contract allows {level.MinDays} to {level.MaxDays} day(s).",
                "expectedDeliveryDate"));
        }
    }

    private static void CheckPackage(PackageLimits limits, PackageInformation package, List<ServiceLevelViolation> violations)
    {
        if (package.Weight > limits.MaxWeightKg)
        {
            violations.Add(new(PackageLimitExceeded, $"weight {N(package.Weight)} kg exceeds the contract's maximum of {N(limits.MaxWeightKg)} kg.",
                "packageInformation.weight"));
        }

        var sides = new[] { ("length", package.Dimensions.Length), ("width", package.Dimensions.Width), ("height", package.Dimensions.Height) };
        foreach (var (name, value) in sides.Where(s => s.Item2 > limits.MaxSideCm))
        {
            violations.Add(new(PackageLimitExceeded, $"{name} {N(value)} cm exceeds the contract's maximum side of {N(limits.MaxSideCm)} cm.",
                $"packageInformation.dimensions.{name}"));
        }

        var sum = sides.Sum(s => s.Item2);
        if (sum > limits.MaxSumOfSidesCm)
        {
            violations.Add(new(PackageLimitExceeded, $"length + width + height = {N(sum)} cm exceeds the contract's maximum of {N(limits.MaxSumOfSidesCm)} cm.",
                "packageInformation.dimensions"));
        }

        if (package.DeclaredValue > limits.MaxDeclaredValue)
        {
            violations.Add(new(PackageLimitExceeded, $"declaredValue {N(package.DeclaredValue.Value)} exceeds the contract's maximum of {N(limits.MaxDeclaredValue)}.",
                "packageInformation.declaredValue"));
        }
    }

    private static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string N(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
