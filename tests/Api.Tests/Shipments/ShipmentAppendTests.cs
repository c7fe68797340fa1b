using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Shipments;
using Cargamos.Modular.Infrastructure.Shipments.Contracts;
using Cargamos.Modular.Infrastructure.Vtex;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Shipments;

/// <summary>One append writer (so that updates queue behind it) and the webhook dispatcher off (the outbox rows stay).</summary>
public sealed class ShipmentAppendApiFactory : ApiFactory
{
    public ShipmentAppendApiFactory()
    {
        Settings["Shipments:Writers"] = "1";
        Settings["Webhooks:DispatcherEnabled"] = "false";
    }

    protected override string DatabasePrefix => "appends";
}

/// <summary>
/// Updates of existing shipments that arrive while the append writer is busy are written together, in one transaction
/// (docs/adr/006-grouped-appends.md), with the rows a Marten save writes; an update that lost its stream to another writer
/// is decided again on the new state. The writer is held by a test transaction locking the VTEX view's table (the group's
/// last document upsert); xmin tells which rows one transaction wrote.
/// </summary>
public sealed class ShipmentAppendTests(ShipmentAppendApiFactory api) : IClassFixture<ShipmentAppendApiFactory>
{
    private const string ViewTable = "cargamos.mt_doc_vtexserviceview";

    private ShipmentAppends Appends => api.Services.GetRequiredService<ShipmentAppends>();

    [Fact]
    public async Task Updates_that_wait_for_the_writer_are_appended_in_one_transaction_each_with_its_version_documents_and_outbox_message()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        await shipper.Register("http://127.0.0.1:9/hooks", "PENDING");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await api.Shipment()).Id);
        }

        await using var blocker = await TableLock.Share(api.ConnectionString, ViewTable);
        var first = Report(ids[0], ShipmentStatus.Pending, "append-0");
        await WaitForBlockedWriter();
        var waiting = ids.Skip(1).Select((id, i) => Report(id, ShipmentStatus.Pending, $"append-{i + 1}")).ToList();
        await WebhookKit.Until(() => Task.FromResult(Appends.Waiting == waiting.Count), "the other updates queued behind the writer");
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        await blocker.Release();

        Assert.Equal(2, (await first).Version);
        foreach (var update in waiting)
        {
            Assert.Equal(2, (await update).Version);
        }

        // The four waiting updates: one transaction, not the first one's.
        var transactions = await Scalars<long>("select xmin::text::bigint from cargamos.mt_events where version = 2 and stream_id = any(@ids)", ids.Skip(1).ToArray());
        Assert.Equal(4, transactions.Count);
        Assert.Single(transactions.Distinct());
        Assert.NotEqual(transactions[0], Assert.Single(await Scalars<long>("select xmin::text::bigint from cargamos.mt_events where version = 2 and stream_id = any(@ids)", [ids[0]])));

        // Each as a Marten save writes it: its event at the next version with its own process id, the stream's version, both
        // documents at that version and folded over it, and its webhook message.
        var store = api.Services.GetRequiredService<IDocumentStore>();
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            Assert.Equal([1L, 2L], await Scalars<long>("select version from cargamos.mt_events where stream_id = any(@ids) order by seq_id", [id]));
            Assert.Equal($"append-{i}", Assert.Single(await Scalars<string>("select correlation_id from cargamos.mt_events where version = 2 and stream_id = any(@ids)", [id])));
            Assert.Equal(2L, Assert.Single(await Scalars<long>("select version from cargamos.mt_streams where id = any(@ids)", [id])));
            Assert.Equal([2L], await Scalars<long>("select mt_version from cargamos.mt_doc_shipmenttracking where id = any(@ids)", [id]));
            Assert.Equal([2L], await Scalars<long>($"select mt_version from {ViewTable} where id = any(@ids)", [id]));
            Assert.Equal([true], await Scalars<bool>("select type = 'shipment.status_changed' and payload::text like '%\"PENDING\"%' from cargamos.webhook_messages where shipment_id = any(@ids)", [id]));
            Assert.Equal([2L], await Scalars<long>("select version from cargamos.webhook_messages where shipment_id = any(@ids)", [id]));

            await using var session = store.QuerySession();
            var tracking = await session.LoadAsync<ShipmentTracking>(id);
            Assert.Equal((ShipmentStatus.Pending, 2), (tracking!.Status, tracking.Version));
            Assert.Equal([ShipmentStatus.Created, ShipmentStatus.Pending], tracking.History!.Select(h => h.Status));
            var view = await session.LoadAsync<VtexServiceView>(id);
            Assert.Equal(2, view!.Timeline.Count);
        }

        // The stream's timestamp moved with the append, as mt_quick_append_events moves it.
        Assert.Equal([true], await Scalars<bool>("select timestamp > created from cargamos.mt_streams where id = any(@ids)", [ids[1]]));
    }

    [Fact]
    public async Task Two_updates_of_one_shipment_take_turns_the_second_decided_on_the_first_s_version()
    {
        var (other, _) = await api.Shipment();
        var (id, _) = await api.Shipment();

        await using var blocker = await TableLock.Share(api.ConnectionString, ViewTable);
        var first = Report(other, ShipmentStatus.Pending, "same-0");
        await WaitForBlockedWriter();
        var firstNote = Note(id, "first note", "same-1");
        await WebhookKit.Until(() => Task.FromResult(Appends.Waiting == 1), "the first note queued behind the writer");
        var secondNote = Note(id, "second note", "same-2");

        // The second waits for the first's append (its turn), not in the group: it would decide on the same version.
        await WebhookKit.Until(() => Task.FromResult(api.Services.GetRequiredService<ShipmentTurns>().Count == 2), "both shipments' turns taken");
        Assert.Equal(1, Appends.Waiting);
        Assert.False(secondNote.IsCompleted);
        await blocker.Release();
        await first;

        Assert.Equal((2L, 3L), ((await firstNote).Version, (await secondNote).Version));
        Assert.Equal([1L, 2L, 3L], await Scalars<long>("select version from cargamos.mt_events where stream_id = any(@ids) order by seq_id", [id]));
        await using var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var view = await session.LoadAsync<VtexServiceView>(id);
        Assert.Equal(["first note", "second note"], view!.Notes.Select(n => n.Content));
        Assert.Equal([3L], await Scalars<long>($"select mt_version from {ViewTable} where id = any(@ids)", [id]));
        Assert.Equal(0, api.Services.GetRequiredService<ShipmentTurns>().Count);
    }

    [Fact]
    public async Task An_update_that_lost_its_stream_to_another_writer_is_decided_again_on_the_new_state()
    {
        var (id, _) = await api.Shipment(statuses: [ShipmentStatus.Pending]);
        var (pinned, _) = await api.Shipment(statuses: [ShipmentStatus.Pending]);

        // Another writer (another API node, through a Marten session) appends to both streams and has not committed yet.
        var store = api.Services.GetRequiredService<IDocumentStore>();
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var other = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            foreach (var stream in new[] { id, pinned })
            {
                var fetched = await other.Events.FetchForWriting<Shipment>(stream);
                fetched.AppendMany(ShipmentDecisions.ReportStatus(fetched.Aggregate!, new StatusReport(ShipmentStatus.Assigned, Agent("Ana")), Scenarios.Carrier, DateTimeOffset.UtcNow)
                    .Cast<object>().ToArray());
            }

            await other.SaveChangesAsync();
        }

        // This node decides on version 2 (PENDING: the other append is not visible) and its group waits for the other's
        // events on the primary key; then the other commits, and the group is refused.
        var unpinned = Report(id, ShipmentStatus.Assigned, "race-1", Agent("Bea"));
        await WaitForWriterBlockedOnEvents();
        await transaction.CommitAsync();

        // Decided again on version 3 (ASSIGNED to Ana): a reassignment, appended at version 4.
        Assert.Equal(4, (await unpinned).Version);
        await using var session = store.QuerySession();
        var tracking = await session.LoadAsync<ShipmentTracking>(id);
        Assert.Equal((ShipmentStatus.Assigned, 4L), (tracking!.Status, (long)tracking.Version));
        Assert.Equal([1L, 2L, 3L, 4L], await Scalars<long>("select version from cargamos.mt_events where stream_id = any(@ids) order by seq_id", [id]));
        Assert.Equal([4L], await Scalars<long>("select mt_version from cargamos.mt_doc_shipmenttracking where id = any(@ids)", [id]));

        // An update asking for the version it read is refused once the stream moved on, and writes nothing.
        var conflict = await Assert.ThrowsAsync<AppError>(() => Decide(pinned, 2, s => ShipmentDecisions.AddNotes([new ShipmentNote(NoteType.Comment, "late", "test")], Scenarios.Carrier, DateTimeOffset.UtcNow), "race-2"));
        Assert.Equal("VERSION_CONFLICT", conflict.Errors[0].Code);
        Assert.Equal(3L, Assert.Single(await Scalars<long>("select version from cargamos.mt_streams where id = any(@ids)", [pinned])));
    }

    [Fact]
    public async Task A_group_that_loses_its_connection_fails_its_own_updates_without_a_trace_and_the_next_group_is_written()
    {
        var (lost, _) = await api.Shipment();
        var queuedIds = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            queuedIds.Add((await api.Shipment()).Id);
        }

        await using var blocker = await TableLock.Share(api.ConnectionString, ViewTable);
        var first = Report(lost, ShipmentStatus.Pending, "killed-0");
        var writer = await WaitForBlockedWriter();
        var queued = queuedIds.Select((id, i) => Report(id, ShipmentStatus.Pending, $"killed-{i + 1}")).ToList();
        await WebhookKit.Until(() => Task.FromResult(Appends.Waiting == queued.Count), "the other updates queued behind the writer");

        await using (var admin = new NpgsqlConnection(api.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("select pg_terminate_backend(@pid)", admin);
            kill.Parameters.AddWithValue("pid", writer);
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => first);
        await blocker.Release();
        foreach (var update in queued)
        {
            Assert.Equal(2, (await update).Version);
        }

        // Nothing of the failed group: no event, the stream and both documents still at version 1.
        Assert.Equal([1L], await Scalars<long>("select version from cargamos.mt_events where stream_id = any(@ids)", [lost]));
        Assert.Equal([1L], await Scalars<long>("select version from cargamos.mt_streams where id = any(@ids)", [lost]));
        Assert.Equal([1L], await Scalars<long>("select mt_version from cargamos.mt_doc_shipmenttracking where id = any(@ids)", [lost]));
        Assert.Equal([1L], await Scalars<long>($"select mt_version from {ViewTable} where id = any(@ids)", [lost]));

        // And the shipment takes the same update afterwards.
        Assert.Equal(2, (await Report(lost, ShipmentStatus.Pending, "killed-again")).Version);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Task<ShipmentVersion> Report(Guid id, ShipmentStatus status, string processId, CourierAgent? agent = null) =>
        Decide(id, null, s => ShipmentDecisions.ReportStatus(s, new StatusReport(status, agent), Scenarios.Carrier, DateTimeOffset.UtcNow), processId);

    private Task<ShipmentVersion> Note(Guid id, string note, string processId) =>
        Decide(id, null, _ => ShipmentDecisions.AddNotes([new ShipmentNote(NoteType.Comment, note, "test")], Scenarios.Carrier, DateTimeOffset.UtcNow), processId);

    private static CourierAgent Agent(string name) => new($"agent-{name}", name, null, null, null, null);

    private Task<ShipmentVersion> Decide(Guid id, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, string processId) =>
        Decide(api, id, expectedVersion, decide, processId);

    /// <summary>A decision through <paramref name="node"/>'s shipment store, as a request with <paramref name="processId"/> makes it.</summary>
    internal static async Task<ShipmentVersion> Decide(ApiFactory node, Guid id, long? expectedVersion, Func<Shipment, IReadOnlyList<IShipmentEvent>> decide, string processId)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var shipments = new MartenShipmentStore(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<IQuerySession>(),
            new TestCaller(processId), services.GetServices<ShipmentStreamDocument>(), services.GetRequiredService<ShipmentAppends>(),
            services.GetRequiredService<IOptions<ShipmentAppendOptions>>(), services.GetRequiredService<ShipmentTurns>());
        return await shipments.Decide(id, expectedVersion, decide, CancellationToken.None);
    }

    /// <summary>The backend of the group's writer, waiting for the VTEX view's table (its last document upsert).</summary>
    private async Task<int> WaitForBlockedWriter() => await BlockedBackend(
        $"not l.granted and l.relation = '{ViewTable}'::regclass and a.query like '%insert into {ViewTable} %'", "the group's writer waiting for the VTEX view's table");

    /// <summary>The backend of the group's writer, waiting for another transaction's events (the primary key's check).</summary>
    private async Task<int> WaitForWriterBlockedOnEvents() => await BlockedBackend(
        "not l.granted and l.locktype = 'transactionid' and a.query like '%insert into cargamos.mt_events %'", "the group's writer waiting for the other writer's events");

    private async Task<int> BlockedBackend(string condition, string what)
    {
        var pid = 0;
        await WebhookKit.Until(async () =>
        {
            pid = (await Scalars<int>($"select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid where {condition} limit 1", [])).FirstOrDefault();
            return pid != 0;
        }, what);
        return pid;
    }

    private Task<List<T>> Scalars<T>(string query, Guid[] ids) => Scalars<T>(api, query, ids);

    internal static async Task<List<T>> Scalars<T>(ApiFactory node, string query, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(node.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private sealed class TestCaller(string processId) : ICaller
    {
        public string ProcessId => processId;

        public Actor Actor => Scenarios.Carrier;

        public string? ShipperId => null;

        public bool IsInRole(string role) => false;
    }
}

/// <summary>
/// Two API processes over one database, each appending in groups: concurrent updates of the same shipments from both
/// meet on the events' primary key (and may deadlock on it); every update is appended once, none is lost, and each
/// stream's versions, documents and notes agree.
/// </summary>
public sealed class ShipmentAppendTwoNodesTests : IAsyncLifetime
{
    private readonly ApiFactory nodeA = new();
    private ApiFactory? nodeB;

    public async Task InitializeAsync()
    {
        await nodeA.StartAsync();
        nodeB = new SecondNode(nodeA.ConnectionString);
        await nodeB.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (nodeB is not null)
        {
            await nodeB.DisposeAsync();
        }

        await ((IAsyncLifetime)nodeA).DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_updates_of_the_same_shipments_from_two_nodes_are_all_appended_once_in_order()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await nodeA.Shipment()).Id);
        }

        // 48 notes at once, 12 per shipment, half through each node: within a node a shipment's updates take turns, across
        // the nodes they race on the events' primary key and the loser decides again.
        var notes = Enumerable.Range(0, 48).Select(i => ShipmentAppendTests.Decide(i % 2 == 0 ? nodeA : nodeB!, ids[i % ids.Count], null,
            _ => ShipmentDecisions.AddNotes([new ShipmentNote(NoteType.Comment, $"note {i}", "test")], Scenarios.Carrier, DateTimeOffset.UtcNow), $"nodes-{i}")).ToList();
        var versions = await Task.WhenAll(notes);

        await using var session = nodeA.Services.GetRequiredService<IDocumentStore>().QuerySession();
        foreach (var id in ids)
        {
            // Each shipment's 12 notes got versions 2..13, one each.
            Assert.Equal(Enumerable.Range(2, 12).Select(v => (long)v), versions.Where(v => v.ShipmentId == id).Select(v => v.Version).Order());
            Assert.Equal(Enumerable.Range(1, 13).Select(v => (long)v),
                await ShipmentAppendTests.Scalars<long>(nodeA, "select version from cargamos.mt_events where stream_id = any(@ids) order by seq_id", [id]));
            Assert.Equal([13L], await ShipmentAppendTests.Scalars<long>(nodeA, "select version from cargamos.mt_streams where id = any(@ids)", [id]));
            Assert.Equal([13L], await ShipmentAppendTests.Scalars<long>(nodeA, "select mt_version from cargamos.mt_doc_shipmenttracking where id = any(@ids)", [id]));
            Assert.Equal([13L], await ShipmentAppendTests.Scalars<long>(nodeA, "select mt_version from cargamos.mt_doc_vtexserviceview where id = any(@ids)", [id]));
            var view = await session.LoadAsync<VtexServiceView>(id);
            Assert.Equal(12, view!.Notes.Count);
            Assert.Equal(12, view.Notes.Select(n => n.Content).Distinct().Count());
            Assert.Equal(13, (await session.LoadAsync<ShipmentTracking>(id))!.Version);
        }
    }

    private sealed class SecondNode(string database) : ApiFactory(database);
}
