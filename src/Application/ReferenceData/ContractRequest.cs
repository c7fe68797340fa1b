using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>The wire shape of a shipper contract (PUT .../contract, and the contract of a new shipper).</summary>
internal sealed record ContractRequest(
    IReadOnlyList<string?>? AllowedCountries,
    IReadOnlyList<ServiceLevelRequest?>? ServiceLevels,
    PackageLimitsRequest? PackageLimits,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo)
{
    /// <summary>The contract in canonical form. Only for a validated request.</summary>
    public ShipperContract ToContract(string shipperId) => new(
        shipperId,
        AllowedCountries!.Select(c => c!.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList(),
        ServiceLevels!.Select(l => new ZoneServiceLevel(
            l!.ZoneId!.Trim(),
            l.MinDays!.Value,
            l.MaxDays!.Value,
            l.DropoffCutoffHour!.Value,
            l.OperatingDays!.Distinct().OrderBy(d => ((int)d + 6) % 7).ToList())).ToList(),
        new PackageLimits(PackageLimits!.MaxWeightKg!.Value, PackageLimits.MaxSideCm!.Value, PackageLimits.MaxSumOfSidesCm!.Value,
            PackageLimits.MaxDeclaredValue!.Value),
        ValidFrom!.Value,
        ValidTo!.Value);

    /// <summary>Service levels naming a zone that does not exist (checked by the handlers: validators have no I/O).</summary>
    public IReadOnlyList<ErrorDetail> UnknownZones(IEnumerable<CoverageZone> zones, string prefix = "") =>
        ReferenceDataRules.UnknownZones((ServiceLevels ?? []).Select(l => l?.ZoneId), zones, i => $"{prefix}serviceLevels[{i}].zoneId");
}

internal sealed record ServiceLevelRequest(string? ZoneId, int? MinDays, int? MaxDays, int? DropoffCutoffHour, IReadOnlyList<DayOfWeek>? OperatingDays);

internal sealed record PackageLimitsRequest(decimal? MaxWeightKg, decimal? MaxSideCm, decimal? MaxSumOfSidesCm, decimal? MaxDeclaredValue);

internal sealed class ContractRequestValidator : AbstractValidator<ContractRequest>
{
    public ContractRequestValidator()
    {
        RuleFor(c => c.AllowedCountries).NotEmpty().WithMessage("allowedCountries must list at least one country: 'mx', 'co', 'us' or 'br'.");
        RuleForEach(c => c.AllowedCountries).Must(ReferenceDataRules.IsCountry)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(ReferenceDataRules.CountryPermitted);
        RuleFor(c => c.ServiceLevels).NotNull().WithMessage("serviceLevels is required (an empty list promises no zone).");
        RuleForEach(c => c.ServiceLevels).NotNull().WithMessage("A service level must be an object.")
            .SetValidator(new ServiceLevelRequestValidator()!);
        // Prefixed with the property chain, so the path is right also inside a new shipper's "contract".
        RuleFor(c => c.ServiceLevels).Custom((levels, context) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (levels?.Count ?? 0); i++)
            {
                if (levels![i]?.ZoneId?.Trim() is { Length: > 0 } zoneId && !seen.Add(zoneId))
                {
                    context.AddFailure(new FluentValidation.Results.ValidationFailure(
                        context.PropertyChain.BuildPropertyPath($"ServiceLevels[{i}].ZoneId"),
                        $"zone '{zoneId}' has more than one service level.") { ErrorCode = "INVALID_PARAMETER" });
                }
            }
        });
        RuleFor(c => c.PackageLimits).NotNull().WithMessage("packageLimits is required.").SetValidator(new PackageLimitsRequestValidator()!);
        RuleFor(c => c.ValidFrom).NotNull().WithMessage("validFrom is required (ISO 8601, e.g. 2024-01-01T00:00:00Z).");
        RuleFor(c => c.ValidTo).NotNull().WithMessage("validTo is required (ISO 8601, e.g. 2031-01-01T00:00:00Z).");
        RuleFor(c => c.ValidTo).GreaterThan(c => c.ValidFrom).When(c => c.ValidFrom.HasValue && c.ValidTo.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(c => $"validTo ({Iso(c.ValidTo!.Value)}) must be after validFrom ({Iso(c.ValidFrom!.Value)}).");
    }

    private static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class ServiceLevelRequestValidator : AbstractValidator<ServiceLevelRequest>
{
    public ServiceLevelRequestValidator()
    {
        RuleFor(l => l.ZoneId).NotEmpty().WithMessage("zoneId is required.");
        RuleFor(l => l.MinDays).NotNull().WithMessage("minDays is required.")
            .GreaterThanOrEqualTo(0).WithErrorCode("INVALID_PARAMETER").WithMessage("minDays must be 0 or more.");
        RuleFor(l => l.MaxDays).NotNull().WithMessage("maxDays is required.");
        RuleFor(l => l.MaxDays).GreaterThanOrEqualTo(l => l.MinDays).When(l => l.MinDays >= 0 && l.MaxDays.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(l => $"maxDays ({l.MaxDays}) must be at least minDays ({l.MinDays}).");
        RuleFor(l => l.DropoffCutoffHour).NotNull().WithMessage("dropoffCutoffHour is required.")
            .InclusiveBetween(0, 23).WithErrorCode("INVALID_PARAMETER")
            .WithMessage("dropoffCutoffHour must be an hour of the day, 0 to 23 (the zone's local time).");
        RuleFor(l => l.OperatingDays).NotEmpty()
            .WithMessage("operatingDays must list at least one day, e.g. [\"MONDAY\",\"TUESDAY\",\"WEDNESDAY\",\"THURSDAY\",\"FRIDAY\"].");
        RuleForEach(l => l.OperatingDays).IsInEnum().WithErrorCode("INVALID_PARAMETER").WithMessage("Not a day of the week.");
    }
}

internal sealed class PackageLimitsRequestValidator : AbstractValidator<PackageLimitsRequest>
{
    public PackageLimitsRequestValidator()
    {
        Positive(p => p.MaxWeightKg, "maxWeightKg");
        Positive(p => p.MaxSideCm, "maxSideCm");
        Positive(p => p.MaxSumOfSidesCm, "maxSumOfSidesCm");
        Positive(p => p.MaxDeclaredValue, "maxDeclaredValue");
    }

    private void Positive(System.Linq.Expressions.Expression<Func<PackageLimitsRequest, decimal?>> limit, string name) =>
        RuleFor(limit).NotNull().WithMessage($"{name} is required.")
            .GreaterThan(0).WithErrorCode("INVALID_PARAMETER").WithMessage($"{name} must be greater than 0.");
}
