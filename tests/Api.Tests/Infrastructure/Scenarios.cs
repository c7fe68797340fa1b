using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>
/// Shipments set up straight through the event store with the domain's own decisions, so each test
/// starts from the state it needs (the integration API arrives with the integration issue).
/// </summary>
public static class Scenarios
{
    public static readonly Actor Carrier = new(ActorKind.Carrier, "servientrega-50461c9f3335", "Servientrega");

    public static DeliveryOrder Order(string? shipperTrackingId = null) => new(
        new RecipientLocation("mx", "CDMX", "Ciudad de México", "Cuauhtémoc", "Roma Norte", "Orizaba", "101", null, "06700", "Portón verde", 19.4194, -99.1617),
        new RecipientInformation("María Pérez", "+525512345678", "maria@example.mx"),
        new PackageInformation(1.5m, new PackageDimensions(30, 20, 10), 1200m, "MXN", "Zapatos", "1 par de zapatos", null),
        DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(3), shipperTrackingId, null);

    /// <summary>Creates a shipment of <paramref name="shipperId"/> and applies each status in turn as the carrier.</summary>
    public static async Task<(Guid Id, string TrackingId)> Shipment(
        this ApiFactory api, string shipperId = "demo-shipper", string? trackingId = null, params ShipmentStatus[] statuses)
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();
        var id = Guid.CreateVersion7();
        trackingId ??= "CGM" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var shipper = new Actor(ActorKind.Shipper, $"{shipperId}/integrations", null);
        await using (var session = store.LightweightSession())
        {
            session.CorrelationId = $"setup-create-{id}";
            session.Events.StartStream<Shipment>(id,
                ShipmentDecisions.Create(id, trackingId, shipperId, "servientrega-50461c9f3335", Order(), shipper, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        foreach (var status in statuses)
        {
            await api.Apply(id, s => ShipmentDecisions.ReportStatus(s, new StatusReport(status), Carrier, DateTimeOffset.UtcNow), $"setup-{status}");
        }

        return (id, trackingId);
    }

    public static async Task Apply(this ApiFactory api, Guid id, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, string processId)
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        session.CorrelationId = processId;
        var stream = await session.Events.FetchForWriting<Shipment>(id);
        stream.AppendMany(decide(stream.Aggregate!).Cast<object>().ToArray());
        await session.SaveChangesAsync();
    }
}
