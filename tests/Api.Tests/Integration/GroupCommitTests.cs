using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Integration;

/// <summary>One order writer (so that orders queue behind it) and the webhook dispatcher off (the outbox rows stay).</summary>
public sealed class GroupCommitApiFactory : ApiFactory
{
    public GroupCommitApiFactory()
    {
        Settings["Integration:Writers"] = "1";
        Settings["Webhooks:DispatcherEnabled"] = "false";
    }

    protected override string DatabasePrefix => "groups";
}

/// <summary>
/// Orders that arrive while the writer is busy are written together, in one transaction (docs/adr/004-group-commit.md).
/// The writer is held by a test transaction that locks the lots table (the group's last statements insert the lots), so
/// what queues behind it is known; xmin tells which rows one transaction wrote.
/// </summary>
public sealed class GroupCommitTests(GroupCommitApiFactory api) : IClassFixture<GroupCommitApiFactory>
{
    private IShipmentCreator Creator => api.Services.GetRequiredService<IShipmentCreator>();

    [Fact]
    public async Task Orders_that_wait_for_the_writer_are_written_in_one_transaction_each_with_its_own_process_lot_and_outbox_message()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        await shipper.Register("http://127.0.0.1:9/hooks", "CREATED");

        await using var blocker = await HoldLots();
        var (first, firstOrder) = await Submit();
        await WaitForBlockedWriter();
        var waiting = new List<(Task<ShipmentCreationResult> Task, Order Order)>();
        for (var i = 0; i < 5; i++)
        {
            waiting.Add(await Submit());
        }

        Assert.All(waiting, w => Assert.False(w.Task.IsCompleted));
        await blocker.Release();

        Assert.Equal(1, (await first).Created);
        foreach (var (task, _) in waiting)
        {
            Assert.Equal(1, (await task).Created);
        }

        // The five waiting orders: one transaction, not the first one's.
        var transactions = await Transactions(waiting.Select(w => w.Order.Id));
        Assert.Single(transactions.Distinct());
        Assert.NotEqual(Assert.Single(await Transactions([firstOrder.Id])), transactions[0]);

        // Each order keeps its own process id (on its event and its lot), its lot of one and row, and its webhook message.
        foreach (var order in waiting.Select(w => w.Order).Prepend(firstOrder))
        {
            Assert.Equal(order.ProcessId, await Scalar<string>("select correlation_id from cargamos.mt_events where stream_id = @id", order.Id));
            Assert.Equal((order.ProcessId, "COMPLETED", "API"), (
                await Scalar<string>("select process_id from cargamos.integration_lots where lot_id = @lot", lot: order.LotId),
                await Scalar<string>("select status from cargamos.integration_lots where lot_id = @lot", lot: order.LotId),
                await Scalar<string>("select source from cargamos.integration_lots where lot_id = @lot", lot: order.LotId)));
            Assert.Equal(order.TrackingId, await Scalar<string>("select tracking_id from cargamos.integration_lot_rows where lot_id = @lot and shipment_id = @id", order.Id, order.LotId));
            Assert.Equal(1L, await Scalar<long>("select count(*) from cargamos.webhook_messages where shipment_id = @id", order.Id));
        }

        // And the API reads a grouped order back as any other.
        using var read = await shipper.GetAsync($"/v1/shipments/{waiting[2].Order.Id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task A_trackingId_used_twice_in_one_group_is_refused_once_and_the_rest_of_the_group_is_written()
    {
        await using var blocker = await HoldLots();
        var (first, _) = await Submit();
        await WaitForBlockedWriter();
        var before = await Submit();
        var original = await Submit();
        var repeated = await Submit(original.Order.TrackingId);
        var after = await Submit();
        await blocker.Release();

        Assert.Equal(1, (await first).Created);
        var results = new[] { await before.Task, await original.Task, await repeated.Task, await after.Task };

        // The unique index refused the group; each order was then written on its own (the two users of the trackingId racing
        // each other): one of them is ALREADY_EXISTS and leaves nothing, everything else is written.
        Assert.Equal((1, 1), (results[0].Created, results[3].Created));
        Assert.Equal(1, results[1].Created + results[2].Created);
        var (refused, loser) = results[1].Created == 0 ? (results[1], original.Order) : (results[2], repeated.Order);
        Assert.Equal("ALREADY_EXISTS", Assert.Single(refused.Rows[0].Errors).Code);
        Assert.Equal(0L, await Scalar<long>("select count(*) from cargamos.mt_streams where id = @id", loser.Id));
        Assert.Equal(0L, await Scalar<long>("select count(*) from cargamos.integration_lots where lot_id = @lot", lot: loser.LotId));
        foreach (var written in new[] { before.Order, original.Order, repeated.Order, after.Order }.Where(o => o != loser))
        {
            Assert.Equal(1L, await Scalar<long>("select count(*) from cargamos.mt_doc_shipmenttracking where id = @id", written.Id));
            Assert.Equal(1L, await Scalar<long>("select count(*) from cargamos.integration_lots where lot_id = @lot", lot: written.LotId));
        }
    }

    [Fact]
    public async Task A_group_that_loses_its_connection_fails_its_own_orders_without_a_trace_and_the_next_group_is_written()
    {
        await using var blocker = await HoldLots();
        var (first, firstOrder) = await Submit();
        var writer = await WaitForBlockedWriter();
        var queued = new[] { await Submit(), await Submit(), await Submit() };

        await using (var admin = await Open())
        {
            await using var kill = new NpgsqlCommand("select pg_terminate_backend(@pid)", admin);
            kill.Parameters.AddWithValue("pid", writer);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => first);
        await blocker.Release();
        foreach (var (task, _) in queued)
        {
            Assert.Equal(1, (await task).Created);
        }

        // Nothing of the failed group: no stream, no document, no lot.
        Assert.Equal(0L, await Scalar<long>("select count(*) from cargamos.mt_streams where id = @id", firstOrder.Id));
        Assert.Equal(0L, await Scalar<long>("select count(*) from cargamos.mt_doc_shipmenttracking where id = @id", firstOrder.Id));
        Assert.Equal(0L, await Scalar<long>("select count(*) from cargamos.integration_lots where lot_id = @lot", lot: firstOrder.LotId));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private sealed record Order(Guid Id, string TrackingId, long LotId, string ProcessId);

    /// <summary>An API order of the demo shipper handed to the creator; it is queued (or being written) when this returns.</summary>
    private async Task<(Task<ShipmentCreationResult> Task, Order Order)> Submit(string? trackingId = null)
    {
        var lotId = await Scalar<long>("select nextval('cargamos.integration_lot_id')");
        trackingId ??= "CGM" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var created = ShipmentDecisions.Create(Guid.CreateVersion7(), trackingId, "demo-shipper", CarrierClient.Servientrega,
            Scenarios.Order() with { ShipperTrackingId = trackingId }, new Actor(ActorKind.Shipper, "demo-shipper/integrations", "integrations"),
            DateTimeOffset.UtcNow, lotId, "mx-cdmx");
        var processId = $"group-{Guid.NewGuid():N}";
        var task = Creator.Create(ShipmentCreation.OfOne(new NewShipment([created], null!, false), LotSources.Api, processId), CancellationToken.None);
        return (task, new Order(created.ShipmentId, trackingId, lotId, processId));
    }

    /// <summary>A transaction holding a lock that makes the lots' insert wait (SHARE conflicts with an insert's ROW EXCLUSIVE).</summary>
    private Task<TableLock> HoldLots() => TableLock.Share(api.ConnectionString, "cargamos.integration_lots");

    /// <summary>
    /// The backend of the writer waiting for the lots table's lock: the one inserting lots (the spreadsheet lot worker's
    /// claim, an update of the same table, may be waiting for it too).
    /// </summary>
    private async Task<int> WaitForBlockedWriter()
    {
        var pid = 0;
        await WebhookKit.Until(async () =>
        {
            pid = await Scalar<int?>("""
                select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where not l.granted and l.relation = 'cargamos.integration_lots'::regclass
                  and a.query like 'insert into cargamos.integration_lots %'
                limit 1
                """) ?? 0;
            return pid != 0;
        }, "the group's writer waiting for the lots table");
        return pid;
    }

    private async Task<List<long>> Transactions(IEnumerable<Guid> ids)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand("select xmin::text::bigint from cargamos.mt_events where stream_id = any(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var transactions = new List<long>();
        while (await reader.ReadAsync())
        {
            transactions.Add(reader.GetInt64(0));
        }

        return transactions;
    }

    private async Task<T> Scalar<T>(string query, Guid? id = null, long? lot = null)
    {
        await using var connection = await Open();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("id", id ?? Guid.Empty);
        command.Parameters.AddWithValue("lot", lot ?? 0L);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    private async Task<NpgsqlConnection> Open()
    {
        var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
