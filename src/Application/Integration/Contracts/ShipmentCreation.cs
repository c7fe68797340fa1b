using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// One row of a creation: a new shipment (<see cref="Shipment"/>, from <see cref="DeliveryOrderIntake.Admit"/>), or the
/// errors that refused it before it reached the store. A lot of one (API, VTEX) has one row, number 1.
/// </summary>
public sealed record CreationRow(int Row, NewShipment? Shipment, IReadOnlyList<ErrorDetail> Errors)
{
    public static CreationRow Create(int row, NewShipment shipment) => new(row, shipment, []);

    public static CreationRow Refused(int row, IReadOnlyList<ErrorDetail> errors) => new(row, null, errors);
}

/// <summary>The integration lot the rows belong to, written in the same transaction as their shipments.</summary>
public abstract record CreationLot(long LotId);

/// <summary>A lot of one (an API or VTEX order): recorded COMPLETED with its one row.</summary>
public sealed record LotOfOne(long LotId, string ShipperId, string Source, string? ShipperLotId, DateTimeOffset At) : CreationLot(LotId);

/// <summary>
/// A batch of a spreadsheet lot: the rows' results are recorded and added to the lot's progress only while
/// <paramref name="Owner"/> holds the lot's lease, which the batch renews for <paramref name="Lease"/>.
/// </summary>
public sealed record LotBatch(long LotId, string Owner, TimeSpan Lease) : CreationLot(LotId);

/// <summary>
/// A document that stands for an order received from another system (a VTEX order), stored with the shipment it became:
/// its unique <see cref="Id"/> makes a concurrent retry of the same order write nothing.
/// </summary>
public interface IUniqueOrderKey
{
    string Id { get; }
}

/// <summary>
/// Everything one transaction creates: the rows' shipments, the lot (new, or the progress of a claimed one), and for an
/// order from another system its <see cref="IUniqueOrderKey"/>.
/// </summary>
public sealed record ShipmentCreation(CreationLot Lot, IReadOnlyList<CreationRow> Rows, string ProcessId, IUniqueOrderKey? OrderKey = null)
{
    /// <summary>A single order (API or VTEX) in its own lot of one.</summary>
    public static ShipmentCreation OfOne(NewShipment shipment, string source, string processId, IUniqueOrderKey? orderKey = null) =>
        new(new LotOfOne(shipment.Created.IntegrationLotId!.Value, shipment.Created.ShipperId, source, shipment.Created.Order.LotId, shipment.Created.At),
            [CreationRow.Create(1, shipment)], processId, orderKey);
}

/// <summary>What became of a row: created (its shipmentId and trackingId) or refused (its errors, e.g. ALREADY_EXISTS).</summary>
public sealed record CreatedRow(int Row, Guid? ShipmentId, string? TrackingId, IReadOnlyList<ErrorDetail> Errors)
{
    public bool Created => ShipmentId is not null;
}

/// <summary>
/// The rows' outcomes, in order; or, when the creation's order key was already stored by a concurrent retry, nothing
/// written and <see cref="OrderKeyTaken"/> (the caller reads what the winner stored).
/// </summary>
public sealed record ShipmentCreationResult(IReadOnlyList<CreatedRow> Rows, bool OrderKeyTaken = false)
{
    public int Created => Rows.Count(r => r.Created);

    public int Rejected => Rows.Count - Created;
}

/// <summary>Thrown when a lot's lease was lost to another processor: the batch was not written.</summary>
public sealed class LotLeaseLostException(long lotId) : Exception($"The lease of integration lot {lotId} was taken over by another processor.");

/// <summary>Creates shipments: the one way they come to exist (API, VTEX and spreadsheet rows alike).</summary>
public interface IShipmentCreator
{
    /// <summary>
    /// Starts each new shipment's stream and writes what <paramref name="creation"/> says must commit with them (the lot,
    /// the rows' results, the order key), all in one transaction. A trackingId the shipper already used (or one repeated in
    /// the creation) is caught by the unique (shipperId, trackingId) index of the tracking read model and becomes that
    /// row's ALREADY_EXISTS, the other rows still being created. An order key stored first by a concurrent retry writes
    /// nothing and answers <see cref="ShipmentCreationResult.OrderKeyTaken"/>.
    /// </summary>
    /// <exception cref="LotLeaseLostException">A <see cref="LotBatch"/> whose lease was lost: nothing was written.</exception>
    Task<ShipmentCreationResult> Create(ShipmentCreation creation, CancellationToken ct);
}
