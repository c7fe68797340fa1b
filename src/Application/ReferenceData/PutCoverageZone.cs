using System.Text.RegularExpressions;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>An operator creates or replaces a coverage zone. Effective for the next coverage lookup.</summary>
internal sealed record PutCoverageZone(string ZoneId, CoverageZoneRequest? Zone) : ICommand<SavedCoverageZone>;

/// <summary>The wire shape of a zone: every member nullable so that all missing fields are reported at once.</summary>
internal sealed record CoverageZoneRequest(
    string? Country,
    string? Name,
    string? TimeZone,
    string? DistributionCenter,
    string? DefaultCarrierId,
    IReadOnlyList<PostalCodeRangeRequest?>? PostalCodeRanges,
    IReadOnlyList<string?>? PostalCodes,
    IReadOnlyList<string?>? Cities = null,
    GeoAreaRequest? Area = null)
{
    /// <summary>The zone with its codes in canonical form (<see cref="Domain.ReferenceData.PostalCodes.Normalize"/>). Only for a validated request.</summary>
    public CoverageZone ToZone(string zoneId)
    {
        var country = Country!.Trim().ToLowerInvariant();
        string Normalize(string? code) => Domain.ReferenceData.PostalCodes.Normalize(country, code!)
            ?? throw new InvalidOperationException($"Postal code '{code}' was not validated.");
        return new CoverageZone(
            zoneId,
            country,
            Name!.Trim(),
            TimeZone!.Trim(),
            DistributionCenter!.Trim(),
            DefaultCarrierId!.Trim(),
            (PostalCodeRanges ?? []).Select(r => new PostalCodeRange(Normalize(r!.From), Normalize(r.To))).ToList(),
            (PostalCodes ?? []).Select(Normalize).Distinct(StringComparer.Ordinal).ToList(),
            Cities is { Count: > 0 } ? Cities.Select(c => c!.Trim()).DistinctBy(CoverageByPlace.CityKey).ToList() : null,
            Area is null ? null : new GeoArea(Area.South!.Value, Area.West!.Value, Area.North!.Value, Area.East!.Value));
    }
}

/// <summary>A latitude/longitude box in degrees (south &lt; north, west &lt; east).</summary>
internal sealed record GeoAreaRequest(double? South, double? West, double? North, double? East);

internal sealed class GeoAreaRequestValidator : AbstractValidator<GeoAreaRequest>
{
    public GeoAreaRequestValidator()
    {
        RuleFor(a => a.South).NotNull().InclusiveBetween(-90, 90).WithMessage("south must be a latitude, -90 to 90.");
        RuleFor(a => a.North).NotNull().InclusiveBetween(-90, 90).WithMessage("north must be a latitude, -90 to 90.");
        RuleFor(a => a.West).NotNull().InclusiveBetween(-180, 180).WithMessage("west must be a longitude, -180 to 180.");
        RuleFor(a => a.East).NotNull().InclusiveBetween(-180, 180).WithMessage("east must be a longitude, -180 to 180.");
        RuleFor(a => a.North).GreaterThan(a => a.South).When(a => a.South.HasValue && a.North.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("north must be greater than south.");
        RuleFor(a => a.East).GreaterThan(a => a.West).When(a => a.West.HasValue && a.East.HasValue)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("east must be greater than west (areas across the antimeridian are not supported).");
    }
}

internal sealed record PostalCodeRangeRequest(string? From, string? To);

internal sealed record SavedCoverageZone(CoverageZone Zone, bool Created);

internal sealed partial class PutCoverageZoneValidator : AbstractValidator<PutCoverageZone>
{
    public PutCoverageZoneValidator()
    {
        RuleFor(c => c.ZoneId).Must(ZoneIds.IsValid).WithErrorCode("INVALID_PARAMETER").WithMessage(ZoneIds.Format)
            .WithState(_ => "request.path");
        RuleFor(c => c.Zone).NotNull().WithMessage("The request needs a JSON body describing the zone.").OverridePropertyName("$");
        RuleFor(c => c.Zone!).SetValidator(new CoverageZoneRequestValidator()).OverridePropertyName("").When(c => c.Zone is not null);
    }
}

/// <summary>Zone ids appear in URLs, contracts and events: short, lowercase, URL-safe.</summary>
internal static partial class ZoneIds
{
    public const string Format = "zoneId must be 1 to 50 characters among a-z, 0-9 and '-', starting with a letter or digit (e.g. mx-cdmx).";

    public static bool IsValid(string? zoneId) => zoneId is not null && Pattern().IsMatch(zoneId);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,49}$")]
    private static partial Regex Pattern();
}

internal sealed class CoverageZoneRequestValidator : AbstractValidator<CoverageZoneRequest>
{
    public CoverageZoneRequestValidator()
    {
        RuleFor(z => z.Country).NotEmpty().WithMessage("country is required.")
            .Must(ReferenceDataRules.IsCountry).When(z => !string.IsNullOrWhiteSpace(z.Country), ApplyConditionTo.CurrentValidator)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(ReferenceDataRules.CountryPermitted);
        RuleFor(z => z.Name).NotEmpty().WithMessage("name is required.").MaximumLength(100);
        RuleFor(z => z.TimeZone).NotEmpty().WithMessage("timeZone is required (an IANA time zone, e.g. America/Mexico_City).");
        RuleFor(z => z.TimeZone).Must(BeAnIanaTimeZone!).When(z => !string.IsNullOrWhiteSpace(z.TimeZone))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage(z => $"'{z.TimeZone}' is not an IANA time zone known to the server (e.g. America/Mexico_City, America/Bogota, America/Sao_Paulo).");
        RuleFor(z => z.DistributionCenter).NotEmpty().WithMessage("distributionCenter is required.").MaximumLength(100);
        RuleFor(z => z.DefaultCarrierId).NotEmpty().WithMessage("defaultCarrierId is required.").MaximumLength(100);
        RuleFor(z => z).Custom(CheckPostalCodes);
        RuleFor(z => z.Cities).Must(c => c!.Count <= 100).When(z => z.Cities is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("At most 100 cities per zone.");
        RuleForEach(z => z.Cities).NotEmpty().WithMessage("A city must be a name.").MaximumLength(100);
        RuleFor(z => z.Area).SetValidator(new GeoAreaRequestValidator()!);
    }

    public static bool BeAnIanaTimeZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) && zone.HasIanaId;

    private static void CheckPostalCodes(CoverageZoneRequest zone, ValidationContext<CoverageZoneRequest> context)
    {
        var ranges = zone.PostalCodeRanges ?? [];
        var codes = zone.PostalCodes ?? [];
        if (ranges.Count + codes.Count == 0)
        {
            context.AddFailure(Missing(context, "postalCodeRanges",
                "A zone covers at least one postal code: give postalCodeRanges (e.g. [{\"from\":\"01000\",\"to\":\"16999\"}]) or postalCodes."));
            return;
        }

        // Formats depend on the country: without a valid one only presence can be checked.
        var country = ReferenceDataRules.IsCountry(zone.Country) ? zone.Country!.Trim().ToLowerInvariant() : null;
        var items = new List<CoverageItem>();
        for (var i = 0; i < ranges.Count; i++)
        {
            var name = $"postalCodeRanges[{i}]";
            if (ranges[i] is not { } range)
            {
                context.AddFailure(Missing(context, name, $"{name} must be an object like {{\"from\":\"01000\",\"to\":\"16999\"}}."));
                continue;
            }

            var from = Code(context, country, range.From, $"{name}.from");
            var to = Code(context, country, range.To, $"{name}.to");
            if (from is null || to is null)
            {
                continue;
            }

            if (string.CompareOrdinal(from, to) > 0)
            {
                context.AddFailure(Invalid(context, name, $"{name}: from {from} is after to {to}."));
                continue;
            }

            items.Add(new CoverageItem(name, new PostalCodeRange(from, to)));
        }

        for (var i = 0; i < codes.Count; i++)
        {
            if (Code(context, country, codes[i], $"postalCodes[{i}]") is { } code)
            {
                items.Add(new CoverageItem($"postalCodes[{i}]", new PostalCodeRange(code, code)));
            }
        }

        foreach (var (first, second) in CoverageOverlaps.Within(items))
        {
            context.AddFailure(Invalid(context, second.Parameter, $"{second.Parameter} {second.Display} overlaps {first.Parameter} {first.Display} of the same zone."));
        }
    }

    private static string? Code(ValidationContext<CoverageZoneRequest> context, string? country, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            context.AddFailure(Missing(context, name, $"{name} is required."));
            return null;
        }

        if (country is null)
        {
            return null;
        }

        var normalized = PostalCodes.Normalize(country, value);
        if (normalized is null)
        {
            context.AddFailure(Invalid(context, name, $"'{value}' is not a postal code of '{country}': expected {PostalCodes.FormatOf(country)}."));
        }

        return normalized;
    }

    private static ValidationFailure Missing(ValidationContext<CoverageZoneRequest> context, string name, string message) =>
        new(context.PropertyChain.BuildPropertyPath(name), message) { ErrorCode = "NotEmptyValidator" };

    private static ValidationFailure Invalid(ValidationContext<CoverageZoneRequest> context, string name, string message) =>
        new(context.PropertyChain.BuildPropertyPath(name), message) { ErrorCode = "INVALID_PARAMETER" };
}

internal sealed class PutCoverageZoneHandler(ICoverageCatalog catalog, ICaller caller) : ICommandHandler<PutCoverageZone, SavedCoverageZone>
{
    public async ValueTask<SavedCoverageZone> Handle(PutCoverageZone command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var zone = command.Zone!.ToZone(command.ZoneId);
        var zones = await catalog.List(cancellationToken);
        var overlaps = CoverageOverlaps.Between(zone, zones);
        if (overlaps.Count > 0)
        {
            throw CoverageOverlaps.Conflict(overlaps);
        }

        await catalog.Save(zone, cancellationToken);
        return new SavedCoverageZone(zone, Created: zones.All(z => z.Id != zone.Id));
    }
}
