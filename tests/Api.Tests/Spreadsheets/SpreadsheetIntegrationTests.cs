using System.Net;
using System.Text.Json;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

public sealed class SpreadsheetIntegrationTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task A_csv_lot_is_accepted_at_once_then_every_row_becomes_a_shipment()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var chosen = Orders.Unique("CSV");
        var rows = new[] { Sheets.ValidRow(chosen), Sheets.ValidRow(), Sheets.ValidRow(country: "co", postalCode: "110111", timeZone: "America/Bogota") };
        rows[1]["recipientLocation.city"] = "São Paulo de Olivença";
        rows[1]["recipientInformation.name"] = "João Núñez";

        using var response = await shipper.Upload(Sheets.Csv(rows));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Body();
        Assert.Equal(new[] { "version", "status", "processId", "timestamp", "data" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("ACCEPTED", body.Str("status"));
        var data = body.GetProperty("data");
        Assert.Equal(new[] { "lotId", "status", "totalRows" }, data.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("RECEIVED", data.Str("status"));
        Assert.Equal(3, data.GetProperty("totalRows").GetInt32());
        var lotId = data.GetProperty("lotId").GetInt64();
        Assert.Equal($"/v1/integration-lots/{lotId}", response.Headers.Location!.OriginalString);

        var lot = await shipper.WaitFor(lotId);
        Assert.Equal(
            new[] { "lotId", "status", "fileName", "format", "totalRows", "processedRows", "created", "rejected", "createdAt", "startedAt", "finishedAt", "errors" },
            lot.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("COMPLETED", lot.Str("status"));
        Assert.Equal("orders.csv", lot.Str("fileName"));
        Assert.Equal("CSV", lot.Str("format"));
        Assert.Equal((3, 3, 0), (lot.GetProperty("processedRows").GetInt32(), lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        Assert.True(lot.GetProperty("startedAt").GetDateTimeOffset() <= lot.GetProperty("finishedAt").GetDateTimeOffset());

        var results = await shipper.Results(lotId);
        Assert.Equal(new[] { 2, 3, 4 }, results.Select(r => r.GetProperty("row").GetInt32()).ToArray());
        Assert.All(results, r => Assert.Equal("CREATED", r.Str("outcome")));
        Assert.All(results, r => Assert.Empty(r.Errors()));
        Assert.Equal(chosen, results[0].Str("trackingId"));
        Assert.Matches("^CGM[0-9A-HJKMNP-TV-Z]{10}$", results[1].Str("trackingId")!);

        // Each shipment is a real one, created by the uploader in this lot, accents intact, with the zone's carrier.
        using var shipment = await shipper.GetAsync($"/v1/shipments/{results[1].Str("shipmentId")}");
        var view = (await shipment.Body()).GetProperty("data");
        Assert.Equal(lotId, view.GetProperty("integrationLotId").GetInt64());
        Assert.Equal(results[1].Str("trackingId"), view.Str("trackingId"));
        Assert.Equal("São Paulo de Olivença", view.GetProperty("order").GetProperty("recipientLocation").Str("city"));
        Assert.Equal("João Núñez", view.GetProperty("order").GetProperty("recipientInformation").Str("name"));
        using var events = await shipper.GetAsync($"/v1/shipments/{results[2].Str("shipmentId")}/events");
        var created = (await events.Body()).GetProperty("data").GetProperty("events")[0];
        Assert.Equal("ShipmentCreated", created.Str("type"));
        Assert.Equal("SHIPPER", created.GetProperty("actor").Str("kind"));
        Assert.Equal(response.Headers.GetValues("X-Process-Id").Single(), created.Str("processId"));
        Assert.Equal("servientrega-50461c9f3335", created.GetProperty("data").Str("carrierId"));
    }

    [Fact]
    public async Task A_semicolon_csv_with_bom_and_decimal_commas_is_read_like_a_comma_one()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var row = Sheets.ValidRow();
        row["packageInformation.weight"] = "1,5";
        row["recipientLocation.reference"] = "Portón verde; timbre 2";
        row["recipientLocation.postalCode"] = "=\"06700\"";

        var lot = await shipper.WaitFor(await shipper.UploadOk(Sheets.Csv([row], separator: ';', bom: true)));

        Assert.Equal(1, lot.GetProperty("created").GetInt32());
        var result = (await shipper.Results(lot.GetProperty("lotId").GetInt64())).Single();
        using var shipment = await shipper.GetAsync($"/v1/shipments/{result.Str("shipmentId")}");
        var order = (await shipment.Body()).GetProperty("data").GetProperty("order");
        Assert.Equal(1.5m, order.GetProperty("packageInformation").GetProperty("weight").GetDecimal());
        Assert.Equal("Portón verde; timbre 2", order.GetProperty("recipientLocation").Str("reference"));
        Assert.Equal("06700", order.GetProperty("recipientLocation").Str("postalCode"));
    }

    [Fact]
    public async Task An_xlsx_lot_with_typed_cells_becomes_shipments()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var first = Sheets.TypedRow(Sheets.ValidRow(Orders.Unique("XLSX")));
        var second = Sheets.TypedRow(Sheets.ValidRow(country: "br", postalCode: "01310-100", timeZone: "America/Sao_Paulo"));
        second["recipientLocation.city"] = "São Paulo";

        var lotId = await shipper.UploadOk(Sheets.Xlsx([first, second]), "orders.xlsx");
        var lot = await shipper.WaitFor(lotId);

        Assert.Equal("XLSX", lot.Str("format"));
        Assert.Equal(2, lot.GetProperty("totalRows").GetInt32());
        var results = await shipper.Results(lotId);
        Assert.Equal("CREATED", results[0].Str("outcome"));
        Assert.Equal(first["shipperTrackingId"], results[0].Str("trackingId"));

        // demo-shipper's contract does not include Brazil: the same answer as the API gives.
        Assert.Equal("REJECTED", results[1].Str("outcome"));
        Assert.Equal(new[] { "SERVICE_LEVEL_FAILURE recipientLocation.country" }, results[1].Errors());
        using var shipment = await shipper.GetAsync($"/v1/shipments/{results[0].Str("shipmentId")}");
        var order = (await shipment.Body()).GetProperty("data").GetProperty("order");
        Assert.Equal(1.5m, order.GetProperty("packageInformation").GetProperty("weight").GetDecimal());
        Assert.Equal(19.4194, order.GetProperty("recipientLocation").GetProperty("latitude").GetDouble());
        Assert.False(order.GetProperty("packageInformation").GetProperty("cartaPorte").GetProperty("hazardousMaterial").GetBoolean());
    }

    [Fact]
    public async Task Valid_rows_are_not_held_back_by_invalid_ones_which_get_their_exact_errors()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var rows = Enumerable.Range(0, 7).Select(_ => Sheets.ValidRow()).ToArray();
        rows[1]["recipientLocation.street"] = null;
        rows[1]["recipientInformation.phone"] = "12";
        rows[2]["recipientLocation.country"] = "co";
        rows[2]["recipientLocation.postalCode"] = "033002";
        rows[3]["packageInformation.weight"] = "abc";
        rows[3]["packageInformation.dimensions.height"] = "-3";
        rows[4]["shipperDropoffDate"] = "46357.5";
        rows[5]["packageInformation.weight"] = "31";
        rows[6]["recipientLocation.street"] = "=A1&B1";

        var lotId = await shipper.UploadOk(Sheets.Csv(rows));
        var lot = await shipper.WaitFor(lotId);

        Assert.Equal((7, 1, 6), (lot.GetProperty("processedRows").GetInt32(), lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        var results = await shipper.Results(lotId);
        Assert.Equal(new[] { "CREATED", "REJECTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED", "REJECTED" }, results.Select(r => r.Str("outcome")).ToArray());
        Assert.Equal(
            new[] { "MISSING_PARAMETER recipientLocation.street", "INVALID_PARAMETER recipientInformation.phone" },
            results[1].Errors());
        Assert.Equal(new[] { "COVERAGE_FAILURE recipientLocation.postalCode" }, results[2].Errors());
        Assert.Equal("There is no coverage for the given postalCode: 033002", results[2].GetProperty("errors")[0].Str("details"));
        Assert.Equal(
            new[] { "INVALID_PARAMETER packageInformation.weight", "INVALID_PARAMETER packageInformation.dimensions.height" },
            results[3].Errors());
        Assert.StartsWith("'abc' is not a number", results[3].GetProperty("errors")[0].Str("details"));
        Assert.Equal(new[] { "INVALID_PARAMETER shipperDropoffDate" }, results[4].Errors());
        Assert.Contains("Excel serial date number", results[4].GetProperty("errors")[0].Str("details"));
        Assert.Equal(new[] { "PACKAGE_LIMIT_EXCEEDED packageInformation.weight" }, results[5].Errors());
        Assert.Equal(new[] { "INVALID_PARAMETER recipientLocation.street" }, results[6].Errors());
        Assert.Contains("formula", results[6].GetProperty("errors")[0].Str("details"));
        Assert.All(results.Skip(1), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("trackingId").ValueKind));

        // The same codes and messages as POST /v1/delivery-orders for the same order.
        var order = Orders.Valid();
        order["recipientLocation"]!["street"] = null;
        order["recipientInformation"]!["phone"] = "12";
        using var api1 = await shipper.Integrate(order);
        var apiErrors = (await api1.Body()).GetProperty("errors").EnumerateArray().Select(e => (e.Str("code"), e.Str("message"), e.Str("details"), e.Str("parameter")));
        var rowErrors = results[1].GetProperty("errors").EnumerateArray().Select(e => (e.Str("code"), e.Str("message"), e.Str("details"), e.Str("parameter")));
        Assert.Equal(apiErrors.ToArray(), rowErrors.ToArray());
    }

    [Fact]
    public async Task Re_uploading_a_file_creates_nothing_twice()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var chosen = Orders.Unique("RE");
        var file = Sheets.Csv([Sheets.ValidRow(chosen), Sheets.ValidRow(), Sheets.ValidRow(chosen)]);

        var firstId = await shipper.UploadOk(file);
        var first = await shipper.WaitFor(firstId);
        var secondId = await shipper.UploadOk(file);
        var second = await shipper.WaitFor(secondId);

        Assert.Equal((2, 1), (first.GetProperty("created").GetInt32(), first.GetProperty("rejected").GetInt32()));
        var firstResults = await shipper.Results(firstId);
        Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, firstResults[2].Errors());
        Assert.Contains($"Integration lot id: {firstId}.", firstResults[2].GetProperty("errors")[0].Str("details"));

        Assert.Equal((0, 3), (second.GetProperty("created").GetInt32(), second.GetProperty("rejected").GetInt32()));
        var secondResults = await shipper.Results(secondId);
        Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, secondResults[0].Errors());
        Assert.Equal(new[] { "ALREADY_EXISTS" }, secondResults[1].Errors());
        Assert.Contains($"Integration lot id: {firstId}.", secondResults[1].GetProperty("errors")[0].Str("details"));
        Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, secondResults[2].Errors());

        using var listed = await shipper.GetAsync($"/v1/shipments?lotId={secondId}");
        Assert.Equal(0, (await listed.Body()).GetProperty("data").GetProperty("items").GetArrayLength());
        using var listedFirst = await shipper.GetAsync($"/v1/shipments?lotId={firstId}");
        Assert.Equal(2, (await listedFirst.Body()).GetProperty("data").GetProperty("items").GetArrayLength());
    }
}

public sealed class SpreadsheetLotQueryTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task Lots_are_listed_newest_first_by_cursor_and_another_shippers_lot_is_404()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow()]), $"wave-{i}.csv"));
        }

        using var page1 = await shipper.GetAsync("/v1/integration-lots?limit=2");
        var data1 = (await page1.Body()).GetProperty("data");
        Assert.Equal(new[] { ids[2], ids[1] }, data1.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("lotId").GetInt64()).ToArray());
        Assert.Equal("wave-2.csv", data1.GetProperty("items")[0].Str("fileName"));
        using var page2 = await shipper.GetAsync($"/v1/integration-lots?limit=2&cursor={data1.Str("nextCursor")}");
        var data2 = (await page2.Body()).GetProperty("data");
        Assert.Equal(ids[0], data2.GetProperty("items")[0].GetProperty("lotId").GetInt64());

        var other = await api.LoginAs(DemoUser.OtherShipper);
        foreach (var path in new[] { $"/v1/integration-lots/{ids[0]}", $"/v1/integration-lots/{ids[0]}/results", $"/v1/integration-lots/{ids[0]}/results.csv", "/v1/integration-lots/nope" })
        {
            using var response = await other.GetAsync(path);
            Assert.Equal("NOT_FOUND", (await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("code"));
        }

        using var theirs = await other.GetAsync("/v1/integration-lots");
        Assert.Equal(0, (await theirs.Body()).GetProperty("data").GetProperty("items").GetArrayLength());
        var auditor = await api.LoginAs(DemoUser.Auditor);
        Assert.Equal(ids[0], (await auditor.Lot(ids[0])).GetProperty("lotId").GetInt64());
    }

    [Fact]
    public async Task Results_come_as_csv_with_accept_text_csv_or_at_results_csv()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var bad = Sheets.ValidRow();
        bad["recipientLocation.street"] = null;
        bad["recipientInformation.phone"] = "12";
        var lotId = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(), bad]));
        await shipper.WaitFor(lotId);
        var created = (await shipper.Results(lotId))[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/integration-lots/{lotId}/results");
        request.Headers.Accept.ParseAdd("text/csv");
        using var negotiated = await shipper.SendAsync(request);
        using var explicitCsv = await shipper.GetAsync($"/v1/integration-lots/{lotId}/results.csv");

        Assert.Equal("text/csv", negotiated.Content.Headers.ContentType!.MediaType);
        var text = await negotiated.Content.ReadAsStringAsync();
        Assert.Equal(text, await explicitCsv.Content.ReadAsStringAsync());
        var lines = text.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,outcome,trackingId,shipmentId,errorCode,errorParameter,errorMessage,errorDetails", lines[0]);
        Assert.Equal($"2,CREATED,{created.Str("trackingId")},{created.Str("shipmentId")},,,,", lines[1]);
        Assert.StartsWith("3,REJECTED,,,MISSING_PARAMETER,recipientLocation.street,A required parameter is missing.,", lines[2]);
        Assert.StartsWith("3,REJECTED,,,INVALID_PARAMETER,recipientInformation.phone,", lines[3]);
        Assert.Equal(4, lines.Length);
    }
}

public sealed class SpreadsheetDuplicateTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task A_tracking_id_repeated_across_batches_written_at_once_is_created_by_its_first_row_only()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var ids = Enumerable.Range(0, 6).Select(_ => Orders.Unique("DUP")).ToArray();

        // Batches of 3, two written at once: rows 2-4 and 5-7 share their trackingIds, and so do rows 8-10 and 11-13.
        var rows = Enumerable.Range(0, 12).Select(i => Sheets.ValidRow(ids[(i / 6 * 3) + (i % 3)])).ToArray();
        var lotId = await shipper.UploadOk(Sheets.Csv(rows));
        var lot = await shipper.WaitFor(lotId);
        var results = await shipper.Results(lotId);

        Assert.Equal((6, 6), (lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        Assert.Equal(
            new[] { "CREATED", "CREATED", "CREATED", "REJECTED", "REJECTED", "REJECTED", "CREATED", "CREATED", "CREATED", "REJECTED", "REJECTED", "REJECTED" },
            results.Select(r => r.Str("outcome")).ToArray());
        Assert.All(results.Where(r => r.Str("outcome") == "REJECTED"), r => Assert.Equal(new[] { "ALREADY_EXISTS shipperTrackingId" }, r.Errors()));
        Assert.Contains($"Integration lot id: {lotId}.", results[3].GetProperty("errors")[0].Str("details"));
    }
}
