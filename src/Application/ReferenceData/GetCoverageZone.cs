using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>One coverage zone as stored.</summary>
internal sealed record GetCoverageZone(string ZoneId) : IQuery<CoverageZone>;

internal sealed class GetCoverageZoneValidator : AbstractValidator<GetCoverageZone>
{
    public GetCoverageZoneValidator() =>
        RuleFor(q => q.ZoneId).Must(ZoneIds.IsValid).WithErrorCode("INVALID_PARAMETER").WithMessage(ZoneIds.Format).WithState(_ => "request.path");
}

internal sealed class GetCoverageZoneHandler(ICoverageCatalog catalog, ICaller caller) : IQueryHandler<GetCoverageZone, CoverageZone>
{
    public async ValueTask<CoverageZone> Handle(GetCoverageZone query, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        return await catalog.Get(query.ZoneId, cancellationToken) ?? throw AppError.NotFound("coverage zone", query.ZoneId, "zoneId");
    }
}
