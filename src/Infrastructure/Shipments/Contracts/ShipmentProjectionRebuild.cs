using JasperFx.Events.Projections;

namespace Cargamos.Modular.Infrastructure.Shipments.Contracts;

/// <summary>
/// How the projection daemon rebuilds a document projected from each shipment stream (the tracking document, the VTEX
/// service view). By default a rebuild writes a shipment's document once for every page of events (500) that holds one of
/// its events; a shipment's events lie days apart, so that is about one upsert per event, and the upserts are most of
/// the rebuild's database time. With a flush window the daemon keeps each shipment's latest document in memory and
/// writes it once per window (docs/performance.md, "Projection rebuild"). Only rebuilds change: the inline write path
/// and the documents written are the same.
/// </summary>
public static class ShipmentProjectionRebuild
{
    /// <summary>
    /// Documents held in memory before a rebuild writes them (the benchmark's tracking documents are about 1.5 KB of JSON
    /// each). The page size stays at Marten's 500 events: at 5,000 the event page query, prepared by the pool
    /// (Max Auto Prepare), got a generic plan that joins and sorts every event up to the rebuild's ceiling for each page.
    /// </summary>
    public const int FlushWindowDocuments = 10_000;

    public static void Configure(AsyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RebuildFlushThreshold = FlushWindowDocuments;
    }
}
