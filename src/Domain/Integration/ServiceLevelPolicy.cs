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

    public static IReadOnlyList<ServiceLevelViolation> Check(ShipperContract contract, CoverageZone zone, DeliveryOrder order, DateTimeOffset now)
    {
        var violations = new List<ServiceLevelViolation>();
        var country = order.RecipientLocation.Country;
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
                $"The contract has no service level for the zone {zone.Name} ({zone.Id}) that covers postal code {order.RecipientLocation.PostalCode}.",
                "recipientLocation.postalCode"));
        }
        else
        {
            CheckDates(level, zone, order, now, violations);
        }

        CheckPackage(contract.PackageLimits, order.PackageInformation, violations);
        return violations;
    }

    private static void CheckDates(ZoneServiceLevel level, CoverageZone zone, DeliveryOrder order, DateTimeOffset now, List<ServiceLevelViolation> violations)
    {
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(zone.TimeZone);
        var dropoff = TimeZoneInfo.ConvertTime(order.ShipperDropoffDate, timeZone);
        var delivery = TimeZoneInfo.ConvertTime(order.ExpectedDeliveryDate, timeZone);

        if (order.ShipperDropoffDate < now - PastTolerance)
        {
            violations.Add(new(ServiceLevelFailure,
                $"shipperDropoffDate {Iso(order.ShipperDropoffDate)} is in the past (now: {Iso(now)}).", "shipperDropoffDate"));
        }

        if (order.ExpectedDeliveryDate <= order.ShipperDropoffDate)
        {
            violations.Add(new(ServiceLevelFailure,
                $"expectedDeliveryDate {Iso(order.ExpectedDeliveryDate)} must be after shipperDropoffDate {Iso(order.ShipperDropoffDate)}.",
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
