using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>
/// Is a postal code covered, by which zone and carrier, and (for a shipper) with which lead times under its contract.
/// Answers from the coverage lookup index, like the integration does.
/// </summary>
internal sealed record GetCoverage(string Country, string PostalCode) : IQuery<CoverageAnswer>;

/// <summary><see cref="PostalCode"/> is the canonical form the lookup used ("01310-100" is answered as "01310100").</summary>
internal sealed record CoverageAnswer(string Country, string PostalCode, bool Covered, CoverageZoneSummary? Zone, LeadTimes? LeadTimes);

internal sealed record CoverageZoneSummary(string Id, string Name, string TimeZone, string DistributionCenter, string CarrierId);

internal sealed record LeadTimes(int MinDays, int MaxDays, int DropoffCutoffHour, IReadOnlyList<DayOfWeek> OperatingDays);

internal sealed class GetCoverageValidator : AbstractValidator<GetCoverage>
{
    public GetCoverageValidator()
    {
        RuleFor(q => q.Country).Must(ReferenceDataRules.IsCountry)
            .WithErrorCode("INVALID_PARAMETER").WithMessage(ReferenceDataRules.CountryPermitted).WithState(_ => "request.path");
        RuleFor(q => q.PostalCode)
            .Must((q, code) => PostalCodes.Normalize(Country(q), code) is not null).When(q => ReferenceDataRules.IsCountry(q.Country))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage(q => $"'{q.PostalCode}' is not a postal code of '{Country(q)}': expected {PostalCodes.FormatOf(Country(q))}.")
            .WithState(_ => "request.path");
    }

    internal static string Country(GetCoverage query) => query.Country.Trim().ToLowerInvariant();
}

internal sealed class GetCoverageHandler(ICoverageCatalog catalog, IContractStore contracts, ICaller caller) : IQueryHandler<GetCoverage, CoverageAnswer>
{
    public async ValueTask<CoverageAnswer> Handle(GetCoverage query, CancellationToken cancellationToken)
    {
        var country = GetCoverageValidator.Country(query);
        var postalCode = PostalCodes.Normalize(country, query.PostalCode)!;
        var zone = await catalog.FindZone(country, postalCode, cancellationToken);
        if (zone is null)
        {
            return new CoverageAnswer(country, postalCode, false, null, null);
        }

        var contract = caller.ShipperId is { } shipperId ? await contracts.Get(shipperId, cancellationToken) : null;
        var level = contract?.ServiceLevelFor(zone.Id);
        return new CoverageAnswer(country, postalCode, true,
            new CoverageZoneSummary(zone.Id, zone.Name, zone.TimeZone, zone.DistributionCenter, zone.DefaultCarrierId),
            level is null ? null : new LeadTimes(level.MinDays, level.MaxDays, level.DropoffCutoffHour, level.OperatingDays));
    }
}
