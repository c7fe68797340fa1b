using Marten;
using Marten.Services.BatchQuerying;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Infrastructure.Shipments.Contracts;

/// <summary>
/// A document an inline projection keeps per shipment stream (keyed by the shipment id), named by the module that owns
/// it. Before a decision the shipment store reads the stream and every such document in one batch, into the session's
/// identity map for their types, so that the inline projections find them there at the save instead of loading each
/// again: a carrier update reads once, then writes once.
/// </summary>
public sealed class ShipmentStreamDocument
{
    private ShipmentStreamDocument(Type type, Action<IDocumentSession> useIdentityMap, Func<IBatchedQuery, Guid, Task<object?>> load)
    {
        Type = type;
        UseIdentityMap = useIdentityMap;
        Load = load;
    }

    /// <summary>The document's type.</summary>
    public Type Type { get; }

    /// <summary>Opts the (lightweight) session into the identity map for this type only.</summary>
    public Action<IDocumentSession> UseIdentityMap { get; }

    /// <summary>Adds the document's load by shipment id to a batch: the document, or null when there is none.</summary>
    public Func<IBatchedQuery, Guid, Task<object?>> Load { get; }

    public static ShipmentStreamDocument For<T>() where T : class =>
        new(typeof(T), session => session.UseIdentityMapFor<T>(), Loaded<T>);

    // The load is added to the batch when this is called (an async method runs to its first await); read once it ran.
    private static async Task<object?> Loaded<T>(IBatchedQuery batch, Guid id) where T : class => await batch.Load<T>(id);
}

public static class ShipmentStreamDocuments
{
    /// <summary>Names <typeparamref name="T"/> as a document projected inline from each shipment stream (see <see cref="ShipmentStreamDocument"/>).</summary>
    public static IServiceCollection AddShipmentStreamDocument<T>(this IServiceCollection services) where T : class =>
        services.AddSingleton(ShipmentStreamDocument.For<T>());
}
