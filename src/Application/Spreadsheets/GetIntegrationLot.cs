using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Common;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>A lot and its progress. A shipper sees only its own lots (another's is 404); auditors and operators see all.</summary>
internal sealed record GetIntegrationLot(long LotId) : IQuery<IntegrationLot>;

/// <summary>One page of a lot's row results, by row number: <paramref name="Cursor"/> is the previous page's <c>nextCursor</c>.</summary>
internal sealed record GetIntegrationLotResults(long LotId, string? Cursor, int Limit) : IQuery<LotResultsPage>;

internal sealed record LotResultsPage(IntegrationLot Lot, IReadOnlyList<LotRowResult> Items, string? NextCursor);

/// <summary>The caller's lots, newest first (staff: every shipper's), with keyset pagination.</summary>
internal sealed record ListIntegrationLots(string? Cursor, int Limit) : IQuery<LotPage>;

internal sealed record LotPage(IReadOnlyList<IntegrationLot> Items, string? NextCursor);

internal sealed class GetIntegrationLotResultsValidator : AbstractValidator<GetIntegrationLotResults>
{
    public const int MaxLimit = 1000;

    public GetIntegrationLotResultsValidator()
    {
        RuleFor(q => q.Limit).PageLimit(MaxLimit);
        RuleFor(q => q.Cursor).PageCursor(c => int.TryParse(c, out var row) && row >= 0);
    }
}

internal sealed class ListIntegrationLotsValidator : AbstractValidator<ListIntegrationLots>
{
    public ListIntegrationLotsValidator()
    {
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursor(c => long.TryParse(c, out var id) && id > 0);
    }
}

/// <summary>Resolves a lot the caller may see.</summary>
internal sealed class IntegrationLotAccess(IIntegrationLotStore lots, ICaller caller)
{
    public async Task<IntegrationLot> Resolve(long lotId, CancellationToken ct)
    {
        var lot = await lots.Get(lotId, ct);
        return lot is not null && caller.CanSee(lot.ShipperId)
            ? lot
            : throw AppError.NotFound("integration lot", lotId.ToString(System.Globalization.CultureInfo.InvariantCulture), "lotId");
    }
}

internal sealed class GetIntegrationLotHandler(IntegrationLotAccess access) : IQueryHandler<GetIntegrationLot, IntegrationLot>
{
    public async ValueTask<IntegrationLot> Handle(GetIntegrationLot query, CancellationToken cancellationToken) =>
        await access.Resolve(query.LotId, cancellationToken);
}

internal sealed class GetIntegrationLotResultsHandler(IntegrationLotAccess access, IIntegrationLotStore lots)
    : IQueryHandler<GetIntegrationLotResults, LotResultsPage>
{
    public async ValueTask<LotResultsPage> Handle(GetIntegrationLotResults query, CancellationToken cancellationToken)
    {
        var lot = await access.Resolve(query.LotId, cancellationToken);
        var after = query.Cursor is null ? 0 : int.Parse(query.Cursor, System.Globalization.CultureInfo.InvariantCulture);
        var found = await lots.Results(lot.LotId, after, query.Limit + 1, cancellationToken);
        var items = found.Take(query.Limit).ToList();
        return new LotResultsPage(lot, items,
            found.Count > query.Limit ? items[^1].Row.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}

internal sealed class ListIntegrationLotsHandler(IIntegrationLotStore lots, ICaller caller) : IQueryHandler<ListIntegrationLots, LotPage>
{
    public async ValueTask<LotPage> Handle(ListIntegrationLots query, CancellationToken cancellationToken)
    {
        var staff = caller.IsInRole(Roles.Auditor) || caller.IsInRole(Roles.Operator);
        if (!staff && caller.ShipperId is null)
        {
            throw AppError.Forbidden("FORBIDDEN", "Only shippers and Cargamos staff can list integration lots.");
        }

        var before = query.Cursor is null ? (long?)null : long.Parse(query.Cursor, System.Globalization.CultureInfo.InvariantCulture);
        var found = await lots.List(staff ? null : caller.ShipperId, before, query.Limit + 1, cancellationToken);
        var items = found.Take(query.Limit).ToList();
        return new LotPage(items,
            found.Count > query.Limit ? items[^1].LotId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
