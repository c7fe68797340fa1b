using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Cargamos.Modular.Domain.Shipments;
using Marten;

namespace Cargamos.Modular.Infrastructure.Shipments.Contracts;

/// <summary>
/// The shipments a session is about to append to, as the shipment store loaded them for the decision (at the version the
/// append asserts): a session listener of another module (the webhook outbox) learns a stream's state before the save
/// from here instead of reading it again. Kept only as long as the session lives.
/// </summary>
public static class ShipmentsBeingWritten
{
    private static readonly ConditionalWeakTable<IDocumentSession, ConcurrentDictionary<Guid, Shipment>> Sessions = new();

    internal static void Record(IDocumentSession session, Shipment shipment) => Sessions.GetOrCreateValue(session)[shipment.Id] = shipment;

    /// <summary>
    /// Drops what <paramref name="session"/> recorded, once its save is over: an entry left to the garbage collector
    /// outlives its session until the session's generation is collected, and every collection walks the table's entries.
    /// </summary>
    internal static void Forget(IDocumentSession session) => Sessions.Remove(session);

    /// <summary>The shipment as loaded by this session's writer before its append, or null when it was not loaded so.</summary>
    public static Shipment? Find(IDocumentSession session, Guid shipmentId) =>
        Sessions.TryGetValue(session, out var shipments) && shipments.TryGetValue(shipmentId, out var shipment) ? shipment : null;
}
