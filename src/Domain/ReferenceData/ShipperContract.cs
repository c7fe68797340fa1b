namespace Cargamos.Modular.Domain.ReferenceData;

/// <summary>What Cargamos promises in one zone: lead time window, dropoff cut-off (zone local time) and operating weekdays.</summary>
public sealed record ZoneServiceLevel(
    string ZoneId,
    int MinDays,
    int MaxDays,
    int DropoffCutoffHour,
    IReadOnlyList<DayOfWeek> OperatingDays);

public sealed record PackageLimits(decimal MaxWeightKg, decimal MaxSideCm, decimal MaxSumOfSidesCm, decimal MaxDeclaredValue);

/// <summary>The contract signed by a shipper: where and how Cargamos serves it, and for how long.</summary>
public sealed record ShipperContract(
    string ShipperId,
    IReadOnlyList<string> AllowedCountries,
    IReadOnlyList<ZoneServiceLevel> ServiceLevels,
    PackageLimits PackageLimits,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidTo)
{
    public bool IsValidAt(DateTimeOffset moment) => moment >= ValidFrom && moment < ValidTo;

    public ZoneServiceLevel? ServiceLevelFor(string zoneId) => ServiceLevels.FirstOrDefault(s => s.ZoneId == zoneId);
}
