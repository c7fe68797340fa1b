using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Cargamos.Modular.Bench.Bench;

namespace Cargamos.Modular.Bench;

/// <summary>
/// Rebuild of the ShipmentTracking projection by Marten's projection daemon over at least <see cref="BenchOptions.RebuildEvents"/>
/// events, against one SELECT streaming the same events' bodies. The events are the shipments the other scenarios created,
/// copied in one SQL statement under new stream ids (each copy's ShipmentCreated given a new shipmentId and trackingId) until there are enough.
/// </summary>
internal static class RebuildScenario
{
    public static async Task Run(Bench bench)
    {
        await using var data = NpgsqlDataSource.Create(bench.ConnectionString);
        var events = await Count(data, "select count(*) from cargamos.mt_events");
        var copies = 0;
        var watch = Stopwatch.StartNew();
        if (events == 0)
        {
            throw new InvalidOperationException("No events to copy: run a scenario that creates shipments first (e.g. --only intake,rebuild).");
        }

        if (events < bench.Options.RebuildEvents)
        {
            copies = (int)Math.Ceiling((bench.Options.RebuildEvents - events) / (double)events);
            await Copy(data, copies);
            events = await Count(data, "select count(*) from cargamos.mt_events");
        }

        var streams = await Count(data, "select count(distinct stream_id) from cargamos.mt_events where type = 'shipment_created'");
        Console.WriteLine($"  rebuild: {events:N0} events in {streams:N0} shipment streams ({copies} SQL copies, {watch.Elapsed.TotalSeconds:F1} s)");

        // Raw: one statement reading every event's body.
        watch.Restart();
        long read = 0;
        await using (var select = data.CreateCommand("select data::text from cargamos.mt_events order by seq_id"))
        {
            select.CommandTimeout = 600;
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                read += reader.GetString(0).Length > 0 ? 1 : 0;
            }
        }

        var rawRate = read / watch.Elapsed.TotalSeconds;

        var store = bench.Api.Services.GetRequiredService<IDocumentStore>();
        watch.Restart();
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync("ShipmentTracking", TimeSpan.FromMinutes(20), CancellationToken.None);
        }

        var elapsed = watch.Elapsed;
        var rate = events / elapsed.TotalSeconds;
        var documents = await Count(data, "select count(*) from cargamos.mt_doc_shipmenttracking");
        if (documents != streams)
        {
            throw new InvalidOperationException($"The rebuild left {documents:N0} tracking documents for {streams:N0} shipment streams.");
        }

        bench.Add(new Row($"projection rebuild ShipmentTracking ({events:N0} events)", Ratio(rate / rawRate),
            $"{rate:N0} events/s ({elapsed.TotalSeconds:F1} s, {documents:N0} documents)", $"{rawRate:N0} events/s read", ">= 50,000 events/s", Met(rate >= 50_000)));
    }

    /// <summary><paramref name="copies"/> copies of every shipment stream, under new ids (md5 of the old id and the copy number k).</summary>
    private static async Task Copy(NpgsqlDataSource data, int copies)
    {
        var streamColumns = await Columns(data, "mt_streams");
        var eventColumns = await Columns(data, "mt_events");
        string NewId(string column) => $"md5({column}::text || ':' || k)::uuid";
        var streamSelect = streamColumns.Select(c => c == "id" ? NewId("s.id") : $"s.{c}");
        var eventSelect = eventColumns.Select(c => c switch
        {
            "seq_id" => "nextval('cargamos.mt_events_sequence')",
            "id" => "gen_random_uuid()",
            "stream_id" => NewId("e.stream_id"),
            "data" => $"""
                case when e.type = 'shipment_created'
                     then jsonb_set(jsonb_set(e.data, '{"{shipmentId}"}', to_jsonb({NewId("e.stream_id")}::text)), '{"{trackingId}"}', to_jsonb((e.data->>'trackingId') || '~c' || k))
                     else e.data end
                """,
            _ => $"e.{c}",
        });
        var originals = "select stream_id from cargamos.mt_events where type = 'shipment_created'";
        var sql = $"""
            insert into cargamos.mt_streams ({string.Join(", ", streamColumns)})
            select {string.Join(", ", streamSelect)} from cargamos.mt_streams s, generate_series(1, {copies}) k where s.id in ({originals});
            insert into cargamos.mt_events ({string.Join(", ", eventColumns)})
            select {string.Join(", ", eventSelect)} from cargamos.mt_events e, generate_series(1, {copies}) k where e.stream_id in ({originals}) order by k, e.seq_id;
            """;
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> Columns(NpgsqlDataSource data, string table)
    {
        await using var command = data.CreateCommand("select column_name from information_schema.columns where table_schema = 'cargamos' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position");
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<long> Count(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        command.CommandTimeout = 300;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
