using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using JasperFx;
using Marten;
using Microsoft.Extensions.Options;

using Cargamos.Modular.Infrastructure.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments;

/// <summary>
/// Decisions on shipment streams, each attempt in a session of its own: its identity map holds the inline projections'
/// documents as read for that attempt only (a lightweight session cannot eject them), so a lost race is decided again
/// on documents read again.
/// </summary>
internal sealed class MartenShipmentStore(
    IDocumentStore store, IQuerySession reader, ICaller caller, IEnumerable<ShipmentStreamDocument> streamDocuments, ShipmentAppends appends,
    IOptions<ShipmentAppendOptions> options, ShipmentTurns turns)
    : IShipmentStore
{
    // A decision is pure, so when no version was asked for, a lost race is simply decided again on fresh state. Within a
    // process the decisions of one shipment take turns (ShipmentTurns), so a race is lost only to another process; a few
    // attempts, spaced by a short random pause, outlast another node's burst of updates of the same shipment.
    private const int Attempts = 8;

    private readonly ShipmentStreamDocument[] documents = streamDocuments.ToArray();

    public async Task<ShipmentVersion> Decide(
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        using var turn = await turns.Take(shipmentId, ct);
        return await Retried(expectedVersion, grouped => DecideOnce(shipmentId, expectedVersion, decide, grouped, ct), ct);
    }

    public async Task<ShipmentVersion?> DecideIfStillService(
        Guid shipmentId, string carrierId, string serviceId, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, CancellationToken ct)
    {
        // A service id that is a shipment's id names that shipment (FindByAnyId loads by id first); any other is a trackingId,
        // looked up again in the decision's own batch.
        var byTrackingId = !Guid.TryParse(serviceId, out var asId) || asId != shipmentId;
        try
        {
            using var turn = await turns.Take(shipmentId, ct);
            return await Retried(null, grouped => DecideOnce(shipmentId, null, decide, grouped, ct, (carrierId, byTrackingId ? serviceId : null)), ct);
        }
        catch (ServiceMovedException)
        {
            return null;
        }
    }

    /// <summary>
    /// One decision, decided again in a new session when it lost a race and no version was asked for; a conflict otherwise,
    /// or when it kept losing. An append its group could not write (<see cref="ShipmentAppends.AppendOutcome.DecideAgain"/>)
    /// is decided again at once and saved on its own: not a lost race of its own, so not an attempt.
    /// </summary>
    private async Task<ShipmentVersion> Retried(long? expectedVersion, Func<bool, Task<ShipmentVersion>> decideOnce, CancellationToken ct)
    {
        var grouped = options.Value.Grouped;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await decideOnce(grouped);
            }
            catch (DecideAgainException) when (grouped)
            {
                grouped = false;
                attempt--;
            }
            catch (ConcurrencyException) when (expectedVersion is null && attempt < Attempts)
            {
                // Decided again, in a new session, after a pause that grows with the losses (another process is writing this
                // shipment now: without one, both would decide again at the same moment).
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 * attempt)), ct);
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
        Guid shipmentId, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, bool grouped, CancellationToken ct,
        (string CarrierId, string? TrackingId)? service = null)
    {
        await using var session = store.LightweightSession();
        session.CorrelationId = caller.ProcessId;

        // One round trip: the stream for the decision, and the inline projections' documents into the identity map,
        // where the projections find them at the save (and, for a carrier's service found before, its lookup again).
        var batch = session.CreateBatchQuery();
        var fetched = expectedVersion is { } expected
            ? batch.Events.FetchForWriting<Shipment>(shipmentId, expected)
            : batch.Events.FetchForWriting<Shipment>(shipmentId);
        var loaded = new Task<object?>[documents.Length];
        for (var i = 0; i < documents.Length; i++)
        {
            documents[i].UseIdentityMap(session);
            loaded[i] = documents[i].Load(batch, shipmentId);
        }

        var lookup = service is { TrackingId: { } trackingId }
            ? batch.Query(new MartenShipmentFinder.ServicesByTrackingId { TrackingId = trackingId })
            : null;
        await batch.Execute(ct);
        var stream = await fetched;
        if (service is { } carrierService)
        {
            var carriers = stream.Aggregate?.CarrierId == carrierService.CarrierId;
            List<Guid> named = lookup is null ? [shipmentId] : (await lookup).Where(t => t.CarrierId == carrierService.CarrierId).Select(t => t.Id).ToList();
            if (!carriers || named is not [var only] || only != shipmentId)
            {
                throw new ServiceMovedException();
            }
        }

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
            var outcome = grouped
                ? await appends.Write(session, await Snapshots(loaded), ct)
                : ShipmentAppends.AppendOutcome.SaveSession;
            switch (outcome)
            {
                case ShipmentAppends.AppendOutcome.DecideAgain:
                    throw new DecideAgainException();
                case ShipmentAppends.AppendOutcome.SaveSession:
                    await session.SaveChangesAsync(ct);
                    break;
            }
        }
        finally
        {
            ShipmentsBeingWritten.Forget(session);
        }

        return new ShipmentVersion(shipmentId, shipment.Version + events.Count);
    }

    /// <summary>The inline projections' documents as read with the stream, by type.</summary>
    private async Task<IReadOnlyDictionary<Type, object?>> Snapshots(Task<object?>[] loaded)
    {
        var snapshots = new Dictionary<Type, object?>(documents.Length);
        for (var i = 0; i < documents.Length; i++)
        {
            snapshots[documents[i].Type] = await loaded[i];
        }

        return snapshots;
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

/// <summary>
/// The decisions of one shipment take turns within this process (a singleton): a second update of a shipment waits for the
/// first's append instead of deciding on the same version and losing the race to it. One semaphore per shipment being
/// decided, dropped when nobody holds or waits for it.
/// </summary>
internal sealed class ShipmentTurns
{
    private readonly Dictionary<Guid, Entry> entries = [];
    private readonly Lock gate = new();

    public async Task<IDisposable> Take(Guid shipmentId, CancellationToken ct)
    {
        Entry entry;
        lock (gate)
        {
            if (!entries.TryGetValue(shipmentId, out entry!))
            {
                entries[shipmentId] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(ct);
        }
        catch
        {
            Leave(shipmentId, entry);
            throw;
        }

        return new Turn(this, shipmentId, entry);
    }

    /// <summary>Shipments with a decision in progress or waiting (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    private void Leave(Guid shipmentId, Entry entry)
    {
        lock (gate)
        {
            if (--entry.Users == 0)
            {
                entries.Remove(shipmentId);
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Turn(ShipmentTurns turns, Guid shipmentId, Entry entry) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                entry.Semaphore.Release();
                turns.Leave(shipmentId, entry);
            }
        }
    }
}

/// <summary>An append its group could not write: decide it again in a new session, saved on its own.</summary>
internal sealed class DecideAgainException : Exception;

/// <summary>A carrier's service id no longer names the shipment it was found to name: resolve it again.</summary>
internal sealed class ServiceMovedException : Exception;
