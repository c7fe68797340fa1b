using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// A processor that dies mid-lot (after one committed batch of 3, inside the next batch's transaction) leaves the lot
/// PROCESSING with its progress; another API process over the same database resumes it after the lease (1 s) and
/// finishes it without creating any row twice.
/// </summary>
public sealed class SpreadsheetResumeTests : IAsyncLifetime
{
    private readonly CrashingSpreadsheetApiFactory first = new(batchesBeforeCrash: 1);

    public Task InitializeAsync() => first.StartAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)first).DisposeAsync();

    [Fact]
    public async Task A_lot_interrupted_mid_file_resumes_after_restart_without_duplicating_rows()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Sheets.ValidRow(i % 2 == 0 ? Orders.Unique("RS") : null)).ToArray();
        rows[1]["recipientLocation.street"] = null;
        var shipper = await first.LoginAs(DemoUser.Shipper);
        var lotId = await shipper.UploadOk(Sheets.Csv(rows));

        // Progress while the lot is worked: the first batch is committed, the second hangs before its commit.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var stopped = await shipper.Lot(lotId);
        while (stopped.GetProperty("processedRows").GetInt32() < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            stopped = await shipper.Lot(lotId);
        }

        Assert.Equal("PROCESSING", stopped.Str("status"));
        Assert.Equal((10, 3, 2, 1), (stopped.GetProperty("totalRows").GetInt32(), stopped.GetProperty("processedRows").GetInt32(),
            stopped.GetProperty("created").GetInt32(), stopped.GetProperty("rejected").GetInt32()));
        Assert.NotNull(stopped.Str("startedAt"));
        Assert.Null(stopped.Str("finishedAt"));
        Assert.Equal(new[] { 2, 3, 4 }, (await shipper.Results(lotId)).Select(r => r.GetProperty("row").GetInt32()).ToArray());
        await first.DisposeAsync();

        await using var second = SpreadsheetApiFactory.OnDatabase(first.ConnectionString);
        await second.StartAsync();
        var again = await second.LoginAs(DemoUser.Shipper);
        var lot = await again.WaitFor(lotId);

        Assert.Equal("COMPLETED", lot.Str("status"));
        Assert.Equal((10, 10, 9, 1), (lot.GetProperty("totalRows").GetInt32(), lot.GetProperty("processedRows").GetInt32(),
            lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        var results = await again.Results(lotId, limit: 4);
        Assert.Equal(Enumerable.Range(2, 10).ToArray(), results.Select(r => r.GetProperty("row").GetInt32()).ToArray());
        Assert.Equal(new[] { "MISSING_PARAMETER recipientLocation.street" }, results[1].Errors());
        var created = results.Where(r => r.Str("outcome") == "CREATED").ToList();
        Assert.Equal(9, created.Select(r => r.Str("trackingId")).Distinct().Count());
        for (var i = 0; i < 10; i += 2)
        {
            Assert.Equal(rows[i]["shipperTrackingId"], results[i].Str("trackingId"));
        }

        using var shipments = await again.GetAsync($"/v1/shipments?lotId={lotId}&limit=200");
        var items = (await shipments.Body()).GetProperty("data").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(9, items.Count);
        Assert.Equal(created.Select(r => r.Str("shipmentId")).Order(), items.Select(s => s.Str("shipmentId")).Order());
        using var events = await again.GetAsync($"/v1/shipments/{created[^1].Str("shipmentId")}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }
}

/// <summary>
/// A lot uploaded on an instance that does not process lots is processed by another instance over the same database;
/// the shipper's standing is checked again then: suspended meanwhile, the lot is FAILED and nothing is created.
/// </summary>
public sealed class SpreadsheetStandingTests : IAsyncLifetime
{
    private readonly SpreadsheetApiFactory uploader = new() { Settings = { ["Spreadsheets:ProcessorEnabled"] = "false" } };

    public Task InitializeAsync() => uploader.StartAsync();

    public async Task DisposeAsync() => await ((IAsyncLifetime)uploader).DisposeAsync();

    [Fact]
    public async Task Another_instance_processes_the_lot_and_a_shipper_suspended_meanwhile_gets_a_failed_lot()
    {
        var shipper = await uploader.LoginAs(DemoUser.Shipper);
        var processed = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow()]));
        var operatorClient = await uploader.LoginAs(DemoUser.Operator);

        await using var processor = SpreadsheetApiFactory.OnDatabase(uploader.ConnectionString);
        await processor.StartAsync();
        var lot = await shipper.WaitFor(processed);
        Assert.Equal(("COMPLETED", 1), (lot.Str("status"), lot.GetProperty("created").GetInt32()));
        await processor.DisposeAsync();

        var refused = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(Orders.Unique("SUSP"))]));
        using (var suspend = await operatorClient.PostAsync("/v1/admin/shippers/demo-shipper/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        // Without demo data: its seeding would make demo-shipper active again.
        await using var again = SpreadsheetApiFactory.OnDatabase(uploader.ConnectionString);
        again.Settings["Cargamos:SeedDemoData"] = "false";
        await again.StartAsync();
        var auditor = await again.LoginAs(DemoUser.Auditor);
        var failed = await auditor.WaitFor(refused);

        Assert.Equal(("FAILED", 0, 0), (failed.Str("status"), failed.GetProperty("processedRows").GetInt32(), failed.GetProperty("created").GetInt32()));
        Assert.Equal("ACCOUNT_SUSPENDED", failed.GetProperty("errors")[0].Str("code"));
        Assert.NotNull(failed.Str("finishedAt"));
    }
}
