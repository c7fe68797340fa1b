using Cargamos.Modular.Application.Common.Ports;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>Every coverage zone, by country and id, as stored (not from the lookup cache).</summary>
internal sealed record ListCoverageZones : IQuery<IReadOnlyList<CoverageZone>>;

internal sealed class ListCoverageZonesHandler(ICoverageCatalog catalog, ICaller caller) : IQueryHandler<ListCoverageZones, IReadOnlyList<CoverageZone>>
{
    public async ValueTask<IReadOnlyList<CoverageZone>> Handle(ListCoverageZones query, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var zones = await catalog.List(cancellationToken);
        return zones.OrderBy(z => z.Country, StringComparer.Ordinal).ThenBy(z => z.Id, StringComparer.Ordinal).ToList();
    }
}
