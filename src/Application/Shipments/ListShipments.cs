using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Application.Common;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>
/// The caller's shipments, newest first, with keyset pagination: <paramref name="Cursor"/> is the
/// <c>nextCursor</c> of the previous page. <paramref name="LotId"/> matches the integration lot id or the shipper's lotId.
/// </summary>
internal sealed record ListShipments(
    ShipmentStatus? Status, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, string? LotId, string? Cursor, int Limit)
    : IQuery<ShipmentPage>;

internal sealed record ShipmentPage(IReadOnlyList<ShipmentTracking> Items, string? NextCursor);

internal sealed class ListShipmentsValidator : AbstractValidator<ListShipments>
{
    public ListShipmentsValidator()
    {
        RuleFor(q => q.Limit).PageLimit();
        RuleFor(q => q.Cursor).PageCursor(c => Guid.TryParse(c, out _));
        RuleFor(q => q).Must(q => q.CreatedFrom < q.CreatedTo).When(q => q.CreatedFrom.HasValue && q.CreatedTo.HasValue)
            .WithName("createdTo").OverridePropertyName("createdTo").WithMessage("createdTo must be after createdFrom.").WithState(_ => "request.query");
    }
}

internal sealed class ListShipmentsHandler(IShipmentFinder finder, ICaller caller) : IQueryHandler<ListShipments, ShipmentPage>
{
    public async ValueTask<ShipmentPage> Handle(ListShipments query, CancellationToken cancellationToken)
    {
        var staff = caller.IsInRole(Roles.Auditor) || caller.IsInRole(Roles.Operator);
        if (!staff && caller.ShipperId is null)
        {
            throw AppError.Forbidden("FORBIDDEN", "Only shippers and Cargamos staff can list shipments.");
        }

        var filter = new ShipmentFilter(staff ? null : caller.ShipperId, query.Status, query.CreatedFrom, query.CreatedTo, query.LotId,
            query.Cursor is null ? null : Guid.Parse(query.Cursor), query.Limit + 1);
        var found = await finder.List(filter, cancellationToken);
        var items = found.Take(query.Limit).ToList();
        return new ShipmentPage(items, found.Count > query.Limit ? items[^1].Id.ToString() : null);
    }
}
