using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>The wire shape of a new rate card version (POST /v1/admin/shippers/{key}/rate-cards).</summary>
internal sealed record RateCardRequest(
    string? Currency,
    decimal? VolumetricDivisor,
    IReadOnlyList<ZoneRateRequest?>? Zones,
    InsuranceRequest? Insurance,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo)
{
    /// <summary>Currencies a rate card may price in: those of the countries Cargamos serves.</summary>
    public static readonly IReadOnlyList<string> Currencies = ["MXN", "COP", "USD", "BRL"];

    /// <summary>The card as version <paramref name="version"/> in canonical form (bands by weight). Only for a validated request.</summary>
    public RateCard ToRateCard(string shipperId, int version, DateTimeOffset now, string createdBy) => new(
        RateCard.IdOf(shipperId, version),
        shipperId,
        version,
        Currency!.Trim(),
        VolumetricDivisor!.Value,
        Zones!.Select(z => new ZoneRate(
            z!.ZoneId!.Trim(),
            z.Bands!.Select(b => new WeightBand(b!.UpToKg!.Value, b.Price!.Value)).OrderBy(b => b.UpToKg).ToList(),
            z.ExtraKgPrice)).ToList(),
        Insurance is null ? null : new InsuranceTerms(Insurance.Rate!.Value, Insurance.Minimum ?? 0),
        ValidFrom!.Value,
        ValidTo!.Value,
        now,
        createdBy);

    /// <summary>
    /// Zones that do not exist, and zones of a country whose deliveries are priced in another currency (checked by the
    /// handler: validators have no I/O).
    /// </summary>
    public IReadOnlyList<ErrorDetail> ZoneErrors(IReadOnlyList<CoverageZone> zones)
    {
        var currency = Currency!.Trim();
        var byId = zones.ToDictionary(z => z.Id, StringComparer.Ordinal);
        var otherCurrency = (Zones ?? [])
            .Select((zone, i) => (Zone: byId.GetValueOrDefault(zone?.ZoneId?.Trim() ?? ""), Index: i))
            .Where(z => z.Zone is not null && RateCard.CurrencyOf(z.Zone.Country) != currency)
            .Select(z => new ErrorDetail("INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage,
                $"Zone '{z.Zone!.Id}' is in '{z.Zone.Country}', whose deliveries are priced in {RateCard.CurrencyOf(z.Zone.Country)}, not {currency}: " +
                "add it to a card in that currency.", $"zones[{z.Index}].zoneId"));
        return ReferenceDataRules.UnknownZones((Zones ?? []).Select(z => z?.ZoneId), zones, i => $"zones[{i}].zoneId").Concat(otherCurrency).ToList();
    }
}

internal sealed record ZoneRateRequest(string? ZoneId, IReadOnlyList<WeightBandRequest?>? Bands, decimal? ExtraKgPrice);

internal sealed record WeightBandRequest(decimal? UpToKg, decimal? Price);

[RequiredFields("rate")]
internal sealed record InsuranceRequest(decimal? Rate, decimal? Minimum);

internal sealed class RateCardRequestValidator : AbstractValidator<RateCardRequest>
{
    public RateCardRequestValidator()
    {
        RuleFor(c => c.Currency).NotEmpty().WithMessage("currency is required: MXN, COP, USD or BRL.");
        RuleFor(c => c.Currency).Must(c => RateCardRequest.Currencies.Contains(c!.Trim())).When(c => !string.IsNullOrWhiteSpace(c.Currency))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("currency must be one of MXN, COP, USD, BRL (ISO 4217).");
        RuleFor(c => c.VolumetricDivisor).NotNull().WithMessage("volumetricDivisor is required (cm³ per kg, e.g. 5000).")
            .InclusiveBetween(1000, 10000).WithErrorCode("INVALID_PARAMETER")
            .WithMessage("volumetricDivisor must be 1000 to 10000 cm³ per kg (5000 is usual).");
        RuleFor(c => c.Zones).NotEmpty().WithMessage("zones must price at least one zone.");
        RuleForEach(c => c.Zones).NotNull().WithMessage("A zone rate must be an object.").SetValidator(new ZoneRateRequestValidator()!);
        RuleFor(c => c.Zones).Custom((zones, context) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (zones?.Count ?? 0); i++)
            {
                if (zones![i]?.ZoneId?.Trim() is { Length: > 0 } zoneId && !seen.Add(zoneId))
                {
                    context.AddFailure(new FluentValidation.Results.ValidationFailure($"Zones[{i}].ZoneId", $"zone '{zoneId}' is priced more than once.")
                    {
                        ErrorCode = "INVALID_PARAMETER",
                    });
                }
            }
        });
        RuleFor(c => c.Insurance!.Rate).NotNull().WithMessage("insurance.rate is required (a share of the declared value, e.g. 0.015 for 1.5 %).")
            .GreaterThan(0).LessThanOrEqualTo(1).WithErrorCode("INVALID_PARAMETER").WithMessage("insurance.rate must be greater than 0 and at most 1.")
            .When(c => c.Insurance is not null).OverridePropertyName("Insurance.Rate");
        RuleFor(c => c.Insurance!.Minimum).Must(Amounts.IsAmount!).When(c => c.Insurance?.Minimum is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(Amounts.Message("insurance.minimum")).OverridePropertyName("Insurance.Minimum");
        RuleFor(c => c.ValidFrom).NotNull().WithMessage("validFrom is required (ISO 8601, e.g. 2026-01-01T00:00:00Z).");
        RuleFor(c => c.ValidTo).NotNull().WithMessage("validTo is required (ISO 8601, e.g. 2027-01-01T00:00:00Z).");
        RuleFor(c => c.ValidTo).GreaterThan(c => c.ValidFrom).When(c => c.ValidFrom.HasValue && c.ValidTo.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("validTo must be after validFrom.");
    }
}

internal sealed class ZoneRateRequestValidator : AbstractValidator<ZoneRateRequest>
{
    public const int MaxBands = 50;

    public ZoneRateRequestValidator()
    {
        RuleFor(z => z.ZoneId).NotEmpty().WithMessage("zoneId is required.");
        RuleFor(z => z.Bands).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("bands must list at least one weight band: { \"upToKg\": 1, \"price\": 89.00 }.")
            .Must(b => b!.Count <= MaxBands).WithErrorCode("INVALID_PARAMETER").WithMessage($"At most {MaxBands} weight bands per zone.");
        RuleForEach(z => z.Bands).NotNull().WithMessage("A weight band must be an object.").SetValidator(new WeightBandRequestValidator()!);
        RuleFor(z => z.Bands).Custom((bands, context) =>
        {
            var seen = new HashSet<decimal>();
            for (var i = 0; i < (bands?.Count ?? 0); i++)
            {
                if (bands![i]?.UpToKg is { } upTo && !seen.Add(upTo))
                {
                    context.AddFailure(new FluentValidation.Results.ValidationFailure(
                        context.PropertyChain.BuildPropertyPath($"Bands[{i}].UpToKg"), $"two bands end at {upTo} kg.") { ErrorCode = "INVALID_PARAMETER" });
                }
            }
        });
        RuleFor(z => z.ExtraKgPrice).Must(Amounts.IsAmount!).When(z => z.ExtraKgPrice.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(Amounts.Message("extraKgPrice"));
    }
}

internal sealed class WeightBandRequestValidator : AbstractValidator<WeightBandRequest>
{
    public WeightBandRequestValidator()
    {
        RuleFor(b => b.UpToKg).NotNull().WithMessage("upToKg is required.")
            .GreaterThan(0).WithErrorCode("INVALID_PARAMETER").WithMessage("upToKg must be greater than 0 kg.");
        RuleFor(b => b.Price).NotNull().WithMessage("price is required.");
        RuleFor(b => b.Price).Must(Amounts.IsAmount!).When(b => b.Price.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(Amounts.Message("price"));
    }
}

/// <summary>Money as a rate card states it: 0 or more, at most 2 decimals, below a billion.</summary>
internal static class Amounts
{
    public static bool IsAmount(decimal? value) =>
        value is { } v && v >= 0 && v < 1_000_000_000m && decimal.Round(v, 2) == v;

    public static string Message(string name) => $"{name} must be an amount of 0 or more with at most 2 decimals.";
}
