using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Integration;
using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Infrastructure.Shipments;
using Cargamos.Modular.Infrastructure.Vtex;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>Spreadsheet settings and the webhook dispatcher off: the outbox rows a lot records stay in the table.</summary>
public sealed class QuietOutboxSpreadsheetFactory : SpreadsheetApiFactory
{
    public QuietOutboxSpreadsheetFactory() => Settings["Webhooks:DispatcherEnabled"] = "false";
}

/// <summary>
/// A spreadsheet batch is written in multi-row statements (BulkStreamWriter, docs/adr/002-bulk-stream-writes.md): these tests
/// hold that it writes the rows a Marten session writes, that every reader reads them back as Marten's own, and that the
/// webhook outbox records the same messages.
/// </summary>
public sealed class SpreadsheetBulkWriteTests(QuietOutboxSpreadsheetFactory api) : IClassFixture<QuietOutboxSpreadsheetFactory>
{
    private IDocumentStore Store => api.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task The_store_and_its_tables_are_the_ones_the_bulk_writer_knows()
    {
        // Otherwise batches fall back to a session and the other tests here would not test the bulk writer: a new Marten
        // feature (an event metadata column, an inline projection of another kind) must be taught to it first.
        var writer = BulkStreamWriter.Create(Store, out var reason);
        Assert.True(writer is not null, reason);
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        var (matches, mismatch) = await writer.VerifyTables(connection, CancellationToken.None);
        Assert.True(matches, mismatch);
    }

    [Fact]
    public async Task A_batch_writes_the_rows_a_marten_session_writes()
    {
        var at = DateTimeOffset.UtcNow;
        var order = Scenarios.Order();
        var lotId = await ProcessingLot("bulk-test");
        var processId = $"bulk-{Guid.NewGuid():N}";
        var bulk = NewShipment(order, lotId, at);
        var marten = NewShipment(order, lotId, at);

        var creator = api.Services.GetRequiredService<IShipmentCreator>();
        var result = await creator.Create(new ShipmentCreation(new LotBatch(lotId, "bulk-test", TimeSpan.FromMinutes(1)),
            [CreationRow.Create(2, new NewShipment([bulk], null!, false))], processId), CancellationToken.None);
        Assert.Equal(bulk.ShipmentId, Assert.Single(result.Rows).ShipmentId);
        await using (var session = Store.LightweightSession())
        {
            session.CorrelationId = processId;
            session.Events.StartStream<Shipment>(marten.ShipmentId, marten);
            await session.SaveChangesAsync();
        }

        // Ids aside (the stream's, its event's, the trackingId), every column is Marten's; times are each transaction's.
        var bulkEventId = await Scalar<Guid>("select id from cargamos.mt_events where stream_id = @id", bulk.ShipmentId);
        var martenEventId = await Scalar<Guid>("select id from cargamos.mt_events where stream_id = @id", marten.ShipmentId);
        string Same(string row) => row
            .Replace(bulk.ShipmentId.ToString(), marten.ShipmentId.ToString(), StringComparison.Ordinal)
            .Replace(bulk.TrackingId, marten.TrackingId, StringComparison.Ordinal)
            .Replace(bulkEventId.ToString(), martenEventId.ToString(), StringComparison.Ordinal);
        // The last column of each row checks what cannot be equal: the transaction's time, the sequence.
        foreach (var query in new[]
        {
            """
            select type, version, tenant_id, compacted_version, is_archived, timestamp = created and created <= now()
            from cargamos.mt_streams where id = @id
            """,
            """
            select version, data, bdata, type, tenant_id, mt_dotnet_type, correlation_id, is_archived,
                   seq_id > 0 and timestamp >= (data ->> 'at')::timestamptz and timestamp <= (select created from cargamos.mt_streams where id = @id)
            from cargamos.mt_events where stream_id = @id
            """,
            """
            select data, mt_version, mt_dotnet_type, shipper_id, created_at, mt_last_modified = (select created from cargamos.mt_streams where id = @id)
            from cargamos.mt_doc_shipmenttracking where id = @id
            """,
            """
            select data, mt_version, mt_dotnet_type, mt_last_modified = (select created from cargamos.mt_streams where id = @id)
            from cargamos.mt_doc_vtexserviceview where id = @id
            """,
        })
        {
            var expected = await Row(query, marten.ShipmentId);
            Assert.Equal(expected, Same(await Row(query, bulk.ShipmentId)));
            Assert.EndsWith(" | True", expected, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_lot_s_shipments_read_back_through_every_reader_and_accept_the_next_event()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var rows = new[] { Sheets.ValidRow(Orders.Unique("BULK")), Sheets.ValidRow(), Sheets.ValidRow(Orders.Unique("BULK")) };
        var lotId = await shipper.UploadOk(Sheets.Csv(rows));
        Assert.Equal(3, (await shipper.WaitFor(lotId)).GetProperty("created").GetInt32());
        var results = await shipper.Results(lotId);
        var id = Guid.Parse(results[1].Str("shipmentId")!);
        var trackingId = results[1].Str("trackingId")!;

        // The API: the shipment, its history (one ShipmentCreated, version 1, this lot's process), the VTEX service.
        using var shipment = await shipper.GetAsync($"/v1/shipments/{id}");
        Assert.Equal(HttpStatusCode.OK, shipment.StatusCode);
        var data = (await shipment.Body()).GetProperty("data");
        Assert.Equal((trackingId, lotId, "CREATED"), (data.Str("trackingId"), data.GetProperty("integrationLotId").GetInt64(), data.Str("status")));
        var auditor = await api.LoginAs(DemoUser.Auditor);
        var events = (await auditor.Get($"/v1/shipments/{id}/events")).GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(("ShipmentCreated", 1L), (Assert.Single(events).Str("type"), events[0].GetProperty("version").GetInt64()));
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        using var service = await carrier.GetAsync($"/tracking/hook/{CarrierClient.Servientrega}/{trackingId}");
        Assert.Equal(HttpStatusCode.OK, service.StatusCode);

        // Marten: the stream and its state, and each document equals the stream aggregated live.
        var liveTracking = await Stored<ShipmentTracking>(id);
        var liveView = await Stored<VtexServiceView>(id);
        await using (var session = Store.QuerySession())
        {
            var stream = await session.Events.FetchStreamAsync(id);
            Assert.Equal(1L, Assert.Single(stream).Version);
            Assert.IsType<ShipmentCreated>(stream[0].Data);
            Assert.True(stream[0].Sequence > 0);
            var state = await session.Events.FetchStreamStateAsync(id);
            Assert.Equal((1L, typeof(Shipment)), (state!.Version, state.AggregateType));
            var aggregate = await session.Events.AggregateStreamAsync<Shipment>(id);
            Assert.Equal((trackingId, ShipmentStatus.Created, 1L), (aggregate!.TrackingId, aggregate.Status, aggregate.Version));
            var serializer = Store.Options.Serializer();
            Assert.Equal(liveTracking, serializer.ToJson((await session.Events.AggregateStreamAsync<ShipmentTracking>(id))!));
            Assert.Equal(liveView, serializer.ToJson(VtexServiceProjection.InWrittenOrder((await session.Events.AggregateStreamAsync<VtexServiceView>(id))!)));
        }

        // Rebuilt for the stream, then by the daemon over every stream: the same documents.
        await Execute("delete from cargamos.mt_doc_shipmenttracking where id = @id; delete from cargamos.mt_doc_vtexserviceview where id = @id", id);
        await Store.Advanced.RebuildSingleStreamAsync<ShipmentTracking>(id);
        await Store.Advanced.RebuildSingleStreamAsync<VtexServiceView>(id);
        Assert.Equal((liveTracking, liveView), (await Stored<ShipmentTracking>(id), await Stored<VtexServiceView>(id)));
        using (var daemon = await Store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<ShipmentTrackingProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
            await daemon.RebuildProjectionAsync<VtexServiceProjection>(TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        Assert.Equal((liveTracking, liveView), (await Stored<ShipmentTracking>(id), await Stored<VtexServiceView>(id)));

        // The stream's version is right for the next append: a carrier moves it on.
        using var accepted = await carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("PENDING"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var after = await shipper.GetAsync($"/v1/shipments/{id}");
        Assert.Equal("PENDING", (await after.Body()).GetProperty("data").Str("status"));
        Assert.Equal(new[] { "ShipmentCreated", "ShipmentAccepted" },
            (await auditor.Get($"/v1/shipments/{id}/events")).GetProperty("events").EnumerateArray().Select(e => e.Str("type")).ToArray());
    }

    [Fact]
    public async Task A_lot_records_the_webhook_messages_an_api_order_records()
    {
        var (shipperId, shipper) = await api.NewShipper();
        await shipper.Register("http://127.0.0.1:9/receiver", "CREATED", "PENDING");
        var (apiId, _) = await shipper.IntegrateOk(Orders.Valid(Orders.Unique("HOOK")));
        var lotId = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(Orders.Unique("HOOK")), Sheets.ValidRow(Orders.Unique("HOOK"))]));
        Assert.Equal(2, (await shipper.WaitFor(lotId)).GetProperty("created").GetInt32());
        var lotIds = (await shipper.Results(lotId)).Select(r => Guid.Parse(r.Str("shipmentId")!)).ToArray();

        var messages = await Messages(shipperId);
        var fromApi = messages[apiId];
        foreach (var id in lotIds)
        {
            var message = messages[id];
            Assert.Equal((fromApi.Type, fromApi.Version, fromApi.State), (message.Type, message.Version, message.State));
            Assert.Equal(Shape(fromApi.Payload), Shape(message.Payload));
            Assert.Contains(id.ToString(), message.Payload, StringComparison.Ordinal);
        }

        Assert.Equal(3, messages.Count);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static ShipmentCreated NewShipment(DeliveryOrder order, long lotId, DateTimeOffset at)
    {
        var trackingId = "CGM" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        return ShipmentDecisions.Create(Guid.CreateVersion7(), trackingId, "demo-shipper", CarrierClient.Servientrega, order with { ShipperTrackingId = trackingId },
            new Actor(ActorKind.Shipper, "demo-shipper/integrations", "integrations"), at, lotId, "mx-cdmx");
    }

    /// <summary>A spreadsheet lot being processed by <paramref name="owner"/>, as the worker claims one.</summary>
    private async Task<long> ProcessingLot(string owner)
    {
        var lotId = await Scalar<long>("select nextval('cargamos.integration_lot_id')");
        await Execute($"""
            insert into cargamos.integration_lots (lot_id, source, shipper_id, status, file_name, total_rows, process_id, created_at, started_at,
                lease_owner, lease_until)
            values ({lotId}, 'FILE', 'demo-shipper', 'PROCESSING', 'bulk.csv', 1, 'bulk-test', now(), now(), '{owner}', now() + interval '1 hour')
            """);
        return lotId;
    }

    /// <summary>The row <paramref name="query"/> selects for stream <paramref name="id"/>, its values joined (jsonb as PostgreSQL writes it).</summary>
    private async Task<string> Row(string query, Guid id)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"No row for {id}: {query}");
        var values = Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i) is DateTime t ? t.ToString("O") : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture));
        var row = string.Join(" | ", values);
        Assert.False(await reader.ReadAsync(), $"Several rows for {id}: {query}");
        return row;
    }

    private async Task<T> Scalar<T>(string query, Guid? id = null)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        command.Parameters.AddWithValue("id", id ?? Guid.Empty);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task Execute(string sql, Guid? id = null)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id ?? Guid.Empty);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> Stored<T>(Guid id)
        where T : notnull
    {
        await using var session = Store.QuerySession();
        return Store.Options.Serializer().ToJson((await session.LoadAsync<T>(id))!);
    }

    private async Task<Dictionary<Guid, (string Type, long Version, string State, string Payload)>> Messages(string shipperId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select shipment_id, type, version, state, payload::text from cargamos.webhook_messages where shipper_id = @s", connection);
        command.Parameters.AddWithValue("s", shipperId);
        await using var reader = await command.ExecuteReaderAsync();
        var messages = new Dictionary<Guid, (string, long, string, string)>();
        while (await reader.ReadAsync())
        {
            messages.Add(reader.GetGuid(0), (reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4)));
        }

        return messages;
    }

    /// <summary>The payload's property paths and value kinds: the same message whatever the shipment's ids and times.</summary>
    private static string Shape(string payload)
    {
        var paths = new List<string>();
        Walk(JsonNode.Parse(payload), "$", paths);
        return string.Join("\n", paths);

        static void Walk(JsonNode? node, string path, List<string> paths)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        Walk(value, $"{path}.{key}", paths);
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{path}[{i}]", paths);
                    }

                    break;
                default:
                    paths.Add($"{path}: {node?.GetValueKind().ToString() ?? "null"}");
                    break;
            }
        }
    }
}

/// <summary>A store with a Marten feature the bulk writer does not reproduce (event headers).</summary>
public sealed class EventHeadersSpreadsheetFactory : SpreadsheetApiFactory
{
    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.ConfigureMarten(options => options.Events.MetadataConfig.HeadersEnabled = true);
}

/// <summary>A store the bulk writer does not know writes its batches through a session, as before, with the same answers.</summary>
public sealed class SpreadsheetSessionWriteTests(EventHeadersSpreadsheetFactory api) : IClassFixture<EventHeadersSpreadsheetFactory>
{
    [Fact]
    public async Task A_store_the_bulk_writer_does_not_know_still_creates_the_lot_s_shipments()
    {
        Assert.Null(BulkStreamWriter.Create(api.Services.GetRequiredService<IDocumentStore>(), out var reason));
        Assert.Equal("event metadata other than the correlation id", reason);
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var used = Orders.Unique("SESSION");
        await shipper.IntegrateOk(Orders.Valid(used));

        var lotId = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(), Sheets.ValidRow(used), Sheets.ValidRow(Orders.Unique("SESSION"))]));
        var lot = await shipper.WaitFor(lotId);
        var results = await shipper.Results(lotId);

        Assert.Equal(("COMPLETED", 2, 1), (lot.Str("status"), lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        Assert.Equal(new[] { "CREATED", "REJECTED", "CREATED" }, results.Select(r => r.Str("outcome")).ToArray());
        Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, results[1].Errors());
        using var shipment = await shipper.GetAsync($"/v1/shipments/{results[2].Str("shipmentId")}");
        Assert.Equal(HttpStatusCode.OK, shipment.StatusCode);
    }
}
