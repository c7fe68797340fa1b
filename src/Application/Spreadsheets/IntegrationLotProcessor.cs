using System.Diagnostics;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Telemetry;
using FluentValidation;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Domain.Spreadsheets;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// Processes one claimed lot from where it stopped: reads its rows lazily, skips those that already have a result, checks
/// each other one with the integration's own layers 2 to 4 (<see cref="DeliveryOrderIntake.Admit"/>), and hands them in
/// batches to <see cref="IShipmentCreator.Create"/> (each batch one transaction with its rows' results and the lot's
/// progress), up to <see cref="SpreadsheetOptions.WriteConcurrency"/> batches at a time while the next one is checked. Layer 1 was checked at upload; the shipper's standing is checked again when
/// processing starts (a shipper suspended meanwhile gets a FAILED lot).
/// </summary>
internal sealed class IntegrationLotProcessor(
    IIntegrationLotStore lots,
    ISpreadsheetFiles files,
    IShipmentCreator store,
    DeliveryOrderIntake intake,
    IValidator<DeliveryOrderRequest> validator,
    ShipperStanding standing,
    SpreadsheetOptions options,
    CargamosMetrics metrics)
{
    private static readonly Dictionary<string, int> FieldOrder = DeliveryOrderFields.All
        .Select((f, i) => (f.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);

    /// <summary>Processes the lot to its end.</summary>
    public async Task Process(ClaimedLot lot, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        ShipperContract contract;
        try
        {
            (_, contract) = await standing.Check(lot.Lot.ShipperId, ct);
        }
        catch (AppError refused)
        {
            await lots.Finish(lot, LotStatuses.Failed, refused.Errors, ct);
            metrics.LotFinished(Stopwatch.GetElapsedTime(started), LotStatuses.Failed);
            return;
        }

        // The file is read from the database as the rows are processed: a CSV lot never holds its whole file in memory.
        await using var content = await lots.OpenFile(lot.Lot.LotId, ct);
        var done = lot.Lot.ProcessedRows > 0 ? await lots.ProcessedRows(lot.Lot.LotId, ct) : new HashSet<int>();
        var writes = new Queue<Task>();
        var firsts = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var batch = new List<CreationRow>(options.BatchSize);
        var claim = new LotBatch(lot.Lot.LotId, lot.Owner, options.Lease);
        try
        {
            foreach (var row in files.Rows(content, lot.Layout))
            {
                if (done.Contains(row.Number))
                {
                    continue;
                }

                var decided = await Decide(lot, row, contract, ct);
                if (decided.Shipment is { } shipment && !firsts.TryAdd(shipment.Created.TrackingId, shipment.Created.At))
                {
                    // A trackingId repeated in the file: the first row keeps it, even when their batches are written at once.
                    decided = CreationRow.Refused(row.Number, [DeliveryOrderIntake.AlreadyExists(shipment, lot.Lot.LotId, firsts[shipment.Created.TrackingId])]);
                }

                batch.Add(decided);
                if (batch.Count >= options.BatchSize)
                {
                    await Flush();
                }
            }

            if (batch.Count > 0)
            {
                await Flush();
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
        metrics.LotFinished(Stopwatch.GetElapsedTime(started), LotStatuses.Completed);

        async Task Flush()
        {
            var rows = batch.ToArray();
            batch.Clear();
            while (writes.Count >= options.WriteConcurrency)
            {
                await writes.Dequeue();
            }

            writes.Enqueue(Write(new ShipmentCreation(claim, rows, lot.ProcessId)));
        }

        async Task Write(ShipmentCreation creation)
        {
            var result = await store.Create(creation, ct);
            metrics.LotRows(result.Created, result.Rejected);
            if (result.Created > 0)
            {
                metrics.OrderAccepted(CargamosMetrics.Sources.Spreadsheet, result.Created);
            }

            foreach (var rejected in result.Rows.Where(r => !r.Created).GroupBy(r => CargamosMetrics.CodeOf(r.Errors), StringComparer.Ordinal))
            {
                metrics.OrderRejected(CargamosMetrics.Sources.Spreadsheet, rejected.Key, rejected.Count());
            }
        }
    }

    private async Task<CreationRow> Decide(ClaimedLot lot, SpreadsheetRow row, ShipperContract contract, CancellationToken ct)
    {
        var (request, cellErrors) = DeliveryOrderRows.Read(row);
        if (cellErrors.Count > 0)
        {
            // Layer 2 failed on the cells themselves; the order's other fields are still checked, so that the row's
            // errors all come at once, as the API's do. A cell that could not be read is reported once, as such.
            var unreadable = cellErrors.Select(e => e.Parameter).ToHashSet();
            var validation = validator.Validate(request);
            var others = ValidationErrors.ToDetails(validation.Errors, "request.body").Where(e => !unreadable.Contains(e.Parameter));
            return CreationRow.Refused(row.Number, cellErrors.Concat(others).OrderBy(e => Order(e.Parameter)).ToList());
        }

        var policy = new IntakePolicy(lot.Lot.ShipperId, lot.UploadedBy, lot.Lot.LotId,
            FileRowTrackingIds.For(lot.Lot.ShipperId, lot.FileSha256, row.Number));
        var admission = await intake.Admit(request, contract, policy, ct);
        return admission.Shipment is { } shipment
            ? CreationRow.Create(row.Number, shipment)
            : CreationRow.Refused(row.Number, admission.Kind == ErrorKind.BadRequest ? admission.Errors.OrderBy(e => Order(e.Parameter)).ToList() : admission.Errors);
    }

    private static int Order(string? parameter) =>
        parameter is not null && FieldOrder.TryGetValue(parameter, out var index) ? index : int.MaxValue;
}
