using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Shipments;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Vtex;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Shipments;

/// <summary>
/// A daemon rebuild of the documents projected from each shipment stream writes them through a flush window
/// (<see cref="ShipmentProjectionRebuild"/>): documents kept in memory across pages of events and written once per window.
/// With pages and windows far smaller than the streams, every stream is split across pages and written in several
/// windows, and the rebuilt documents must still be the live ones.
/// </summary>
public sealed class ProjectionRebuildTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly ShipmentStatus[] Walk =
        [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.OnHold, ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.OnRoute, ShipmentStatus.Delivered];

    [Fact]
    public void Both_projections_rebuild_through_the_flush_window()
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();

        Assert.Equal(ShipmentProjectionRebuild.FlushWindowDocuments, Projection<ShipmentTrackingProjection>(store).Options.RebuildFlushThreshold);
        Assert.Equal(ShipmentProjectionRebuild.FlushWindowDocuments, Projection<VtexServiceProjection>(store).Options.RebuildFlushThreshold);
    }

    [Fact]
    public async Task A_rebuild_over_many_pages_and_flush_windows_gives_the_live_documents_again()
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();

        // Interleaved as carriers report them: every shipment created, then every shipment moved one status at a time.
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await api.Shipment()).Id);
        }

        foreach (var status in Walk)
        {
            foreach (var id in ids)
            {
                await api.Apply(id, s => ShipmentDecisions.ReportStatus(s, new StatusReport(status), Scenarios.Carrier, DateTimeOffset.UtcNow), $"rebuild-{status}");
            }
        }

        var live = new Dictionary<Guid, (string Tracking, string View)>();
        foreach (var id in ids)
        {
            live[id] = (await Stored<ShipmentTracking>(store, id), await Stored<VtexServiceView>(store, id));
        }

        // Pages of 4 events and windows of 3 documents: each stream's 8 events span several pages and windows.
        var tracking = Projection<ShipmentTrackingProjection>(store).Options;
        var vtex = Projection<VtexServiceProjection>(store).Options;
        var saved = (tracking.BatchSize, tracking.RebuildFlushThreshold, vtex.BatchSize, vtex.RebuildFlushThreshold);
        try
        {
            (tracking.BatchSize, tracking.RebuildFlushThreshold, vtex.BatchSize, vtex.RebuildFlushThreshold) = (4, 3, 4, 3);
            using var daemon = await store.BuildProjectionDaemonAsync();
            await daemon.RebuildProjectionAsync<ShipmentTrackingProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
            await daemon.RebuildProjectionAsync<VtexServiceProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        finally
        {
            (tracking.BatchSize, tracking.RebuildFlushThreshold, vtex.BatchSize, vtex.RebuildFlushThreshold) = saved;
        }

        foreach (var id in ids)
        {
            Assert.Equal(live[id], (await Stored<ShipmentTracking>(store, id), await Stored<VtexServiceView>(store, id)));
        }

        await using var session = store.QuerySession();
        var rebuilt = await session.LoadAsync<ShipmentTracking>(ids[0]);
        Assert.Equal(ShipmentStatus.Delivered, rebuilt!.Status);
        Assert.Equal(1 + Walk.Length, rebuilt.History!.Count);
    }

    private static ProjectionBase Projection<T>(IDocumentStore store) =>
        ((StoreOptions)store.Options).Projections.All.OfType<T>().Cast<ProjectionBase>().Single();

    /// <summary>The document as stored, in Marten's own JSON (full precision), the VTEX view's free JSON in written order.</summary>
    private static async Task<string> Stored<T>(IDocumentStore store, Guid id) where T : class
    {
        await using var session = store.QuerySession();
        var document = await session.LoadAsync<T>(id);
        Assert.NotNull(document);
        return store.Options.Serializer().ToJson(document is VtexServiceView view ? VtexServiceProjection.InWrittenOrder(view) : document);
    }
}
