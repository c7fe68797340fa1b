using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Spreadsheets;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Performance;

/// <summary>
/// The store's compressible columns compress with lz4 once an API has started (<c>StorageCompression</c>): what is
/// stored afterwards is lz4, a later start has nothing left to do, and a table another transaction holds is left as it
/// is without stopping the start.
/// </summary>
public sealed class StorageCompressionTests : IAsyncLifetime
{
    private const string Columns = """
        select a.attrelid::regclass::text || '.' || a.attname, a.attcompression::text
        from pg_attribute a join pg_class t on t.oid = a.attrelid join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'cargamos' and t.relkind = 'r' and a.attnum > 0 and not a.attisdropped
          and a.atttypid in ('jsonb'::regtype, 'bytea'::regtype, 'text'::regtype) and a.attstorage in ('x', 'm')
        """;

    private readonly ApiFactory api = new();

    public Task InitializeAsync() => api.StartAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)api).DisposeAsync();

    [Fact]
    public async Task After_a_start_every_compressible_column_is_lz4_and_a_stored_file_is_compressed_with_it()
    {
        var columns = await Compression();
        Assert.Contains("cargamos.mt_events.data", columns.Keys);
        Assert.Contains("cargamos.mt_doc_shipmenttracking.data", columns.Keys);
        Assert.Contains("cargamos.integration_lot_files.content", columns.Keys);
        Assert.All(columns, c => Assert.True(c.Value == "l", $"{c.Key} compresses with '{c.Value}'"));

        // A file large enough to be compressed (PostgreSQL compresses values over about 2 KB).
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var lotId = await shipper.UploadOk(Sheets.Csv(Enumerable.Range(0, 40).Select(i => Sheets.ValidRow($"LZ4-{i}"))));
        Assert.Equal("COMPLETED", (await shipper.WaitFor(lotId)).GetProperty("status").GetString());
        Assert.Equal("lz4", await api.Scalar<string>("select pg_column_compression(content) from cargamos.integration_lot_files where lot_id = $1", lotId));
    }

    [Fact]
    public async Task A_later_start_finds_nothing_to_change_and_a_locked_table_is_left_as_it_is_until_the_next_start()
    {
        Assert.Equal(0L, await api.Scalar<long>($"select count(*) from ({StorageCompressionSql}) c"));

        // A column back to pglz while another transaction holds its table: the next API start waits 2 s at most, leaves it, serves.
        await api.Execute("alter table cargamos.integration_lot_files alter column content set compression pglz");
        await using (var held = await TableLock.Share(api.ConnectionString, "cargamos.integration_lot_files"))
        {
            await using var blocked = new SecondNode(api.ConnectionString);
            await blocked.StartAsync();
            using var response = await blocked.CreateClient().GetAsync("/health/ready");
            Assert.True(response.IsSuccessStatusCode, $"/health/ready answered {(int)response.StatusCode}");
            Assert.Equal("p", (await Compression())["cargamos.integration_lot_files.content"]);
        }

        await using var next = new SecondNode(api.ConnectionString);
        await next.StartAsync();
        Assert.Equal("l", (await Compression())["cargamos.integration_lot_files.content"]);
    }

    private static string StorageCompressionSql => Cargamos.Modular.Infrastructure.Common.StorageCompression.ColumnsSql;

    private async Task<Dictionary<string, string>> Compression()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(Columns, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            columns[reader.GetString(0)] = reader.GetString(1);
        }

        return columns;
    }

    private sealed class SecondNode(string database) : ApiFactory(database);
}
