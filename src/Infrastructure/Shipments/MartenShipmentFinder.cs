using System.Linq.Expressions;
using Marten.Linq;
using Marten;
using Marten.Linq.MatchesSql;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments;

internal sealed class MartenShipmentFinder(IQuerySession session) : IShipmentFinder
{
    public async Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct)
    {
        if (Guid.TryParse(id, out var shipmentId))
        {
            var byId = await session.LoadAsync<ShipmentTracking>(shipmentId, ct);
            if (byId is not null)
            {
                return [byId];
            }
        }

        return (await session.QueryAsync(new ByTrackingId { TrackingId = id }, ct)).ToList();
    }

    // The tracking answer's fields only: PostgreSQL drops the order and the price from the document (most of its size), so
    // neither is sent nor deserialized. By the index on data ->> 'trackingId'.
    public async Task<IReadOnlyList<ShipmentTracking>> FindTrackingByTrackingId(string trackingId, CancellationToken ct) =>
        await session.QueryAsync<ShipmentTracking>(LeanByTrackingId(session), ct, trackingId);

    private static string? leanByTrackingId;

    private static string LeanByTrackingId(IQuerySession session) => leanByTrackingId ??=
        $"select d.data - 'order' - 'price' from {((IReadOnlyStoreOptions)session.DocumentStore.Options).FindOrResolveDocumentType(typeof(ShipmentTracking)).TableName.QualifiedName} as d " +
        "where d.data ->> 'trackingId' = ? limit 10";

    public async Task<IReadOnlyList<ShipmentTracking>> FindByAnyIds(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var shipmentIds = ids.Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null).OfType<Guid>().ToArray();
        var trackingIds = ids.ToArray();
        return await session.Query<ShipmentTracking>()
            .Where(t => shipmentIds.Contains(t.Id) || trackingIds.Contains(t.TrackingId))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ShipmentTracking>> List(ShipmentFilter filter, CancellationToken ct)
    {
        var query = session.Query<ShipmentTracking>().AsQueryable();
        if (filter.ShipperId is { } shipperId)
        {
            query = query.Where(t => t.ShipperId == shipperId);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(t => t.Status == status);
        }

        if (filter.CreatedFrom is { } from)
        {
            query = query.Where(t => t.CreatedAt >= from);
        }

        if (filter.CreatedTo is { } to)
        {
            query = query.Where(t => t.CreatedAt < to);
        }

        if (filter.LotId is { } lotId)
        {
            query = long.TryParse(lotId, out var integrationLotId)
                ? query.Where(t => t.IntegrationLotId == integrationLotId || t.ShipperLotId == lotId)
                : query.Where(t => t.ShipperLotId == lotId);
        }

        if (filter.After is { } after)
        {
            // UUIDv7 ids sort by creation time; PostgreSQL compares uuids byte-wise.
            query = query.Where(t => t.MatchesSql("d.id < ?", after));
        }

        return await query.OrderByDescending(t => t.Id).Take(filter.Limit).ToListAsync(ct);
    }

    public Task<ShipmentTracking?> FindByTrackingId(string shipperId, string trackingId, CancellationToken ct) =>
        session.Query<ShipmentTracking>().FirstOrDefaultAsync(t => t.ShipperId == shipperId && t.TrackingId == trackingId, ct);

    /// <summary>
    /// The lookup of every tracking read and carrier hook, compiled once (Marten then skips parsing the LINQ expression
    /// and building its SQL on each request). A trackingId is unique per shipper only: up to 10 shipments.
    /// </summary>
    internal sealed class ByTrackingId : ICompiledListQuery<ShipmentTracking>
    {
        public string TrackingId { get; set; } = "";

        public Expression<Func<IMartenQueryable<ShipmentTracking>, IEnumerable<ShipmentTracking>>> QueryIs() =>
            q => q.Where(t => t.TrackingId == TrackingId).Take(10);
    }

    /// <summary>
    /// The shipments a carrier's service id (a trackingId) names, by id and carrier only: what a carrier hook checks before
    /// its decision, without reading the documents (the order and price are most of a document's size). Compiled once.
    /// </summary>
    internal sealed class ServicesByTrackingId : ICompiledListQuery<ShipmentTracking, ServiceRef>
    {
        public string TrackingId { get; set; } = "";

        public Expression<Func<IMartenQueryable<ShipmentTracking>, IEnumerable<ServiceRef>>> QueryIs() =>
            q => q.Where(t => t.TrackingId == TrackingId).Take(10).Select(t => new ServiceRef { Id = t.Id, CarrierId = t.CarrierId });
    }

    /// <summary>A shipment's id and carrier (<see cref="ServicesByTrackingId"/>).</summary>
    internal sealed class ServiceRef
    {
        public Guid Id { get; set; }

        public string? CarrierId { get; set; }
    }
}
