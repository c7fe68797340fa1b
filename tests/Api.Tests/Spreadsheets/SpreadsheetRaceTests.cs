using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// A trackingId taken by another writer between a batch's check and its insert (here: a transaction held open by the test,
/// committed once the batch waits on the unique index) makes the batch fail on the index; it is written again row by row,
/// so that only that row is ALREADY_EXISTS and the others are created. The lease is long here, so that a lot that needed a
/// second attempt (the batch failing instead of falling back) would not finish within the test.
/// </summary>
public sealed class SpreadsheetRaceTests(LongLeaseApiFactory api) : IClassFixture<LongLeaseApiFactory>
{
    [Fact]
    public async Task A_tracking_id_taken_during_the_batch_rejects_only_its_row()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var contested = Orders.Unique("RACE");
        var rows = new[] { Sheets.ValidRow(Orders.Unique("RACE")), Sheets.ValidRow(contested), Sheets.ValidRow() };

        var store = api.Services.GetRequiredService<IDocumentStore>();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            var id = Guid.CreateVersion7();
            session.Events.StartStream<Shipment>(id, ShipmentDecisions.Create(id, contested, "demo-shipper", "servientrega-50461c9f3335",
                Scenarios.Order(contested), new Actor(ActorKind.Shipper, "demo-shipper/integrations"), DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        var lotId = await shipper.UploadOk(Sheets.Csv(rows));
        await WaitUntilABackendWaitsForALock(connection);
        await transaction.CommitAsync();
        var lot = await shipper.WaitFor(lotId);
        var results = await shipper.Results(lotId);

        Assert.Equal((2, 1), (lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        Assert.Equal(new[] { "CREATED", "REJECTED", "CREATED" }, results.Select(r => r.Str("outcome")).ToArray());
        Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, results[1].Errors());
    }

    private static async Task WaitUntilABackendWaitsForALock(NpgsqlConnection connection)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()", connection);
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The batch never waited for the contested trackingId.");
            }

            await Task.Delay(20);
        }
    }
}
