using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>Resolves a shipmentId or trackingId to the one shipment the caller may see.</summary>
internal sealed class ShipmentAccess(IShipmentFinder finder, ICaller caller)
{
    public async Task<ShipmentTracking> Resolve(string id, CancellationToken ct) =>
        One(id, (await finder.FindByAnyId(id, ct)).Where(s => caller.CanSee(s.ShipperId)).ToList());

    /// <summary>By trackingId only, for the tracking answer: without the order and the price.</summary>
    public async Task<ShipmentTracking> ResolveTracking(string trackingId, CancellationToken ct) =>
        One(trackingId, (await finder.FindTrackingByTrackingId(trackingId, ct)).Where(s => caller.CanSee(s.ShipperId)).ToList());

    /// <summary>
    /// Each id of a request body's list (<paramref name="parameter"/>) resolved as <see cref="Resolve"/> does, in one
    /// lookup; every id the caller cannot see is named in one 404.
    /// </summary>
    public async Task<IReadOnlyList<ShipmentTracking>> ResolveAll(IReadOnlyList<string> ids, string parameter, CancellationToken ct)
    {
        var visible = (await finder.FindByAnyIds(ids.Distinct(StringComparer.Ordinal).ToList(), ct)).Where(s => caller.CanSee(s.ShipperId)).ToList();
        var missing = new List<ErrorDetail>();
        var resolved = new List<ShipmentTracking>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            // As FindByAnyId: a shipmentId wins over a trackingId that happens to look like one.
            var byId = Guid.TryParse(id, out var shipmentId) ? visible.Where(s => s.Id == shipmentId).ToList() : [];
            var matches = byId.Count > 0 ? byId : visible.Where(s => s.TrackingId == id).ToList();
            if (matches.Count == 0)
            {
                missing.Add(AppError.NotFound("shipment", id, $"{parameter}[{i}]").Errors[0] with { Location = "request.body" });
                continue;
            }

            resolved.Add(One(id, matches));
        }

        return missing.Count > 0 ? throw new AppError(ErrorKind.NotFound, missing) : resolved;
    }

    private static ShipmentTracking One(string id, List<ShipmentTracking> visible) => visible.Count switch
    {
        0 => throw AppError.NotFound("shipment", id),
        1 => visible[0],
        // Two shippers may choose the same shipperTrackingId: only staff can see both.
        _ => throw AppError.Conflict("AMBIGUOUS_ID", "The identifier matches more than one shipment.",
            $"The trackingId '{id}' belongs to {visible.Count} shipments of different shippers; use the shipmentId instead.", "id"),
    };
}
