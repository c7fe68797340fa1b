using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// A lot processed across 20 graceful restarts of its processor: each stop gives the lot back without counting an
/// attempt, each start resumes after the last committed batch, and every row ends with exactly one result and at most
/// one shipment. MaxAttempts is 2, so restarts counted as attempts would fail the lot.
/// </summary>
public sealed class SpreadsheetRestartTests : IAsyncLifetime
{
    private const int Rows = 3_000;
    private readonly SpreadsheetApiFactory uploader = new() { Settings = { ["Spreadsheets:ProcessorEnabled"] = "false" } };

    public Task InitializeAsync() => uploader.StartAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)uploader).DisposeAsync();

    [Fact]
    public async Task Twenty_restarts_during_one_lot_process_every_row_exactly_once_and_count_no_attempt()
    {
        var rows = Enumerable.Range(0, Rows).Select(i => Sheets.ValidRow(i % 3 == 0 ? Orders.Unique("RR") : null)).ToArray();
        rows[7]["recipientLocation.street"] = null;
        var shipper = await uploader.LoginAs(DemoUser.Shipper);
        var lotId = await shipper.UploadOk(Sheets.Csv(rows));

        var interrupted = 0;
        for (var restart = 0; restart < 20; restart++)
        {
            var before = (await shipper.Lot(lotId)).GetProperty("processedRows").GetInt32();
            var worker = Worker();
            await worker.StartAsync();
            try
            {
                // Stopped as soon as it committed something more: the next start resumes after it.
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (await shipper.Lot(lotId) is var now && now.GetProperty("processedRows").GetInt32() == before && now.Str("status") != "COMPLETED")
                {
                    Assert.True(DateTime.UtcNow < deadline, $"restart {restart}: no progress after 30 s");
                    await Task.Delay(20);
                }
            }
            finally
            {
                await worker.DisposeAsync();
            }

            var lot = await shipper.Lot(lotId);
            Assert.NotEqual("FAILED", lot.Str("status"));
            if (lot.Str("status") == "PROCESSING")
            {
                interrupted++;
            }
        }

        Assert.Equal(20, interrupted);
        await using (var last = Worker())
        {
            await last.StartAsync();
            var done = await shipper.WaitFor(lotId, TimeSpan.FromMinutes(2));
            Assert.Equal("COMPLETED", done.Str("status"));
            Assert.Equal((Rows, Rows, Rows - 1, 1), (done.GetProperty("totalRows").GetInt32(), done.GetProperty("processedRows").GetInt32(),
                done.GetProperty("created").GetInt32(), done.GetProperty("rejected").GetInt32()));
        }

        var results = await shipper.Results(lotId, limit: 200);
        Assert.Equal(Enumerable.Range(2, Rows).ToArray(), results.Select(r => r.GetProperty("row").GetInt32()).ToArray());
        var created = results.Where(r => r.Str("outcome") == "CREATED").Select(r => r.Str("shipmentId")).ToList();
        Assert.Equal(Rows - 1, created.Distinct().Count());
        Assert.Equal(Rows - 1, results.Where(r => r.Str("outcome") == "CREATED").Select(r => r.Str("trackingId")).Distinct().Count());
        Assert.Equal(Rows - 1, await CountShipments(shipper, lotId));
    }

    private SpreadsheetApiFactory Worker()
    {
        var worker = SpreadsheetApiFactory.OnDatabase(uploader.ConnectionString);
        worker.Settings["Spreadsheets:MaxAttempts"] = "2";
        worker.Settings["Spreadsheets:Lease"] = "00:10:00"; // a lot resumed at once is one given back, not one whose lease expired
        return worker;
    }

    private static async Task<int> CountShipments(HttpClient shipper, long lotId)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            using var page = await shipper.GetAsync($"/v1/shipments?lotId={lotId}&limit=200{(cursor is null ? "" : $"&cursor={cursor}")}");
            var data = (await page.Body()).GetProperty("data");
            count += data.GetProperty("items").GetArrayLength();
            cursor = data.Str("nextCursor");
        }
        while (cursor is not null);

        return count;
    }
}
