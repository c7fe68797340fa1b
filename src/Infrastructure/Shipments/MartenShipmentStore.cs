using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using JasperFx;
using Marten;

using Cargamos.Modular.Infrastructure.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>
/// Decisions on shipment streams, each attempt in a session of its own: its identity map holds the inline projections'
/// documents as read for that attempt only (a lightweight session cannot eject them), so a lost race is decided again
/// on documents read again.
/// </summary>
internal sealed class MartenShipmentStore(IDocumentStore store, IQuerySession reader, ICaller caller, IEnumerable<ShipmentStreamDocument> streamDocuments)
    : IShipmentStore
{
    // A decision is pure, so when no version was asked for, a lost race is simply decided again on fresh state.
    private const int Attempts = 3;

    private readonly ShipmentStreamDocument[] documents = streamDocuments.ToArray();

    public async Task<ShipmentVersion> Decide(
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DecideOnce(shipmentId, expectedVersion, decide, ct);
            }
            catch (ConcurrencyException) when (expectedVersion is null && attempt < Attempts)
            {
                // decided again, in a new session
            }
            catch (ConcurrencyException)
            {
                throw AppError.Conflict("VERSION_CONFLICT", "The shipment was changed by another request.",
                    expectedVersion is null
                        ? "The shipment kept changing while this request was decided; retry it."
                        : $"The shipment is no longer at version {expectedVersion}; read it again and retry.",
                    "If-Match");
            }
        }
    }

    private async Task<ShipmentVersion> DecideOnce(
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.CorrelationId = caller.ProcessId;

        // One round trip: the stream for the decision, and the inline projections' documents into the identity map,
        // where the projections find them at the save.
        var batch = session.CreateBatchQuery();
        var fetched = expectedVersion is { } expected
            ? batch.Events.FetchForWriting<Shipment>(shipmentId, expected)
            : batch.Events.FetchForWriting<Shipment>(shipmentId);
        foreach (var document in documents)
        {
            document.UseIdentityMap(session);
            _ = document.Load(batch, shipmentId);
        }

        await batch.Execute(ct);
        var stream = await fetched;
        var shipment = stream.Aggregate ?? throw AppError.NotFound("shipment", shipmentId.ToString());
        var events = decide(shipment);
        if (events.Count == 0)
        {
            return new ShipmentVersion(shipmentId, shipment.Version);
        }

        stream.AppendMany(events.Cast<object>().ToArray());
        ShipmentsBeingWritten.Record(session, shipment);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        finally
        {
            ShipmentsBeingWritten.Forget(session);
        }

        return new ShipmentVersion(shipmentId, shipment.Version + events.Count);
    }

    public async Task<IReadOnlyList<RecordedShipmentEvent>> GetEvents(Guid shipmentId, CancellationToken ct)
    {
        var events = await reader.Events.FetchStreamAsync(shipmentId, token: ct);
        return events
            .Where(e => e.Data is IShipmentEvent)
            .Select(e => new RecordedShipmentEvent(e.Sequence, e.Version, e.EventType.Name, e.Timestamp, e.CorrelationId, (IShipmentEvent)e.Data))
            .ToList();
    }

    public Task<Shipment?> GetState(Guid shipmentId, long? version, DateTimeOffset? at, CancellationToken ct) =>
        reader.Events.AggregateStreamAsync<Shipment>(shipmentId, version: version ?? 0, timestamp: at, token: ct);
}
