using Cargamos.Modular.Application.Common.Behaviors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Application.Spreadsheets.ReadModels;
using Cargamos.Modular.Domain.Integration;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Domain.Spreadsheets;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// Processes one claimed lot from where it stopped: reads its rows lazily, skips those that already have a result, checks
/// each other one with the integration's own layers 2 to 4 (<see cref="DeliveryOrderIntake"/>), and hands them in
/// batches to <see cref="IShipmentBatchWriter"/>, up to <see cref="SpreadsheetOptions.WriteConcurrency"/> batches at a
/// time while the next one is checked. Layer 1 was checked at upload; the shipper's standing is checked again when
/// processing starts (a shipper suspended meanwhile gets a FAILED lot).
/// </summary>
internal sealed class IntegrationLotProcessor(
    IIntegrationLotStore lots,
    ISpreadsheetFiles files,
    IShipmentBatchWriter writer,
    DeliveryOrderIntake intake,
    IValidator<DeliveryOrderRequest> validator,
    ShipperStanding standing,
    SpreadsheetOptions options,
    TimeProvider clock)
{
    private static readonly Dictionary<string, int> FieldOrder = DeliveryOrderFields.All
        .Select((f, i) => (f.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);

    /// <summary>Processes the lot to its end; false when the test hook <see cref="SpreadsheetOptions.CrashAfterBatches"/> stopped it.</summary>
    public async Task<bool> Process(ClaimedLot lot, CancellationToken ct)
    {
        ShipperContract contract;
        try
        {
            (_, contract) = await standing.Check(lot.Lot.ShipperId, ct);
        }
        catch (AppError refused)
        {
            await lots.Finish(lot, LotStatuses.Failed, refused.Errors, ct);
            return true;
        }

        var content = await lots.LoadFile(lot.Lot.LotId, ct);
        var done = lot.Lot.ProcessedRows > 0 ? await lots.ProcessedRows(lot.Lot.LotId, ct) : new HashSet<int>();
        var writes = new Queue<Task>();
        var firsts = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var started = 0;
        var batch = new List<LotRow>(options.BatchSize);
        try
        {
            foreach (var row in files.Rows(content, lot.Layout))
            {
                if (done.Contains(row.Number))
                {
                    continue;
                }

                var decided = await Decide(lot, row, contract, ct);
                if (decided.Shipment is { } shipment && !firsts.TryAdd(shipment.TrackingId, shipment.At))
                {
                    // A trackingId repeated in the file: the first row keeps it, even when their batches are written at once.
                    decided = LotRow.Refused(row.Number, DeliveryOrderIntake.AlreadyExists(lot.Lot.LotId, firsts[shipment.TrackingId]).Errors);
                }

                batch.Add(decided);
                if (batch.Count >= options.BatchSize && !await Flush())
                {
                    return false;
                }
            }

            if (batch.Count > 0 && !await Flush())
            {
                return false;
            }

            while (writes.Count > 0)
            {
                await writes.Dequeue();
            }
        }
        finally
        {
            // Never leave a write running unobserved (a failure above already stops the lot).
            await Task.WhenAll(writes).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        await lots.Finish(lot, LotStatuses.Completed, null, ct);
        return true;

        async Task<bool> Flush()
        {
            var rows = batch.ToArray();
            batch.Clear();
            if (options.CrashAfterBatches is { } crashAfter && started >= crashAfter)
            {
                while (writes.Count > 0)
                {
                    await writes.Dequeue();
                }

                await writer.Write(lot, rows, options.Lease, abandonBeforeCommit: true, ct);
                return false;
            }

            while (writes.Count >= options.WriteConcurrency)
            {
                await writes.Dequeue();
            }

            writes.Enqueue(writer.Write(lot, rows, options.Lease, abandonBeforeCommit: false, ct));
            started++;
            return true;
        }
    }

    private async Task<LotRow> Decide(ClaimedLot lot, SpreadsheetRow row, ShipperContract contract, CancellationToken ct)
    {
        var (request, cellErrors) = DeliveryOrderRows.Read(row);
        if (cellErrors.Count > 0)
        {
            // Layer 2 failed on the cells themselves; the order's other fields are still checked, so that the row's
            // errors all come at once, as the API's do. A cell that could not be read is reported once, as such.
            var unreadable = cellErrors.Select(e => e.Parameter).ToHashSet();
            var validation = await validator.ValidateAsync(request, ct);
            var others = ValidationErrors.ToDetails(validation.Errors, "request.body").Where(e => !unreadable.Contains(e.Parameter));
            return LotRow.Refused(row.Number, cellErrors.Concat(others).OrderBy(e => Order(e.Parameter)).ToList());
        }

        var outcome = await intake.Check(request, contract, ct);
        if (outcome.Accepted is not { } accepted)
        {
            return LotRow.Refused(row.Number, outcome.Kind == ErrorKind.BadRequest ? outcome.Errors.OrderBy(e => Order(e.Parameter)).ToList() : outcome.Errors);
        }

        var (order, zone) = accepted;
        var shipperId = lot.Lot.ShipperId;
        var trackingId = order.ShipperTrackingId ?? LotTrackingIds.For(shipperId, lot.FileSha256, row.Number);
        var created = ShipmentDecisions.Create(
            Guid.CreateVersion7(), trackingId, shipperId, zone.DefaultCarrierId, order, lot.UploadedBy, clock.GetUtcNow(), lot.Lot.LotId, zone.Id);
        return new LotRow(row.Number, created, [], order.ShipperTrackingId is null);
    }

    private static int Order(string? parameter) =>
        parameter is not null && FieldOrder.TryGetValue(parameter, out var index) ? index : int.MaxValue;
}
