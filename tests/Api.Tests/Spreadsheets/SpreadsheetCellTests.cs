using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>XLSX cells that are not plain values: formulas, dates, and the templates themselves.</summary>
public sealed class SpreadsheetCellTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task A_formula_cell_counts_as_the_value_saved_with_it_and_one_never_calculated_is_empty()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var valid = Sheets.ValidRow();
        var header = Sheets.Columns.Select(c => (string?)Sheets.InlineText(c)).ToList();
        string?[] Cells(Func<string, string?> street) => Sheets.Columns.Select(c => c == "recipientLocation.street" ? street(c)
            : valid.GetValueOrDefault(c) is { } v ? Sheets.InlineText(v) : null).ToArray();
        var calculated = Cells(_ => "t=\"str\"><f>\"Calle \"&amp;\"Orizaba\"</f><v>Calle Orizaba</v>");
        var uncalculated = Cells(_ => "t=\"str\"><f>\"Calle \"&amp;\"Orizaba\"</f>");

        var lotId = await shipper.UploadOk(Sheets.RawXlsx([header, calculated, uncalculated]), "orders.xlsx");
        await shipper.WaitFor(lotId);
        var results = await shipper.Results(lotId);

        Assert.Equal("CREATED", results[0].Str("outcome"));
        using var shipment = await shipper.GetAsync($"/v1/shipments/{results[0].Str("shipmentId")}");
        Assert.Equal("Calle Orizaba", (await shipment.Body()).GetProperty("data").GetProperty("order").GetProperty("recipientLocation").Str("street"));
        Assert.Equal(new[] { "MISSING_PARAMETER recipientLocation.street" }, results[1].Errors());
    }

    [Fact]
    public async Task An_excel_date_cell_is_refused_for_its_row_because_it_has_no_offset()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var row = Sheets.TypedRow(Sheets.ValidRow());
        row["shipperDropoffDate"] = DateTime.Today.AddDays(1).AddHours(10);

        var lotId = await shipper.UploadOk(Sheets.Xlsx([row]), "orders.xlsx");
        await shipper.WaitFor(lotId);
        var result = (await shipper.Results(lotId)).Single();

        Assert.Equal(new[] { "INVALID_PARAMETER shipperDropoffDate" }, result.Errors());
        Assert.Contains("Excel date", result.GetProperty("errors")[0].Str("details"));
        Assert.Contains("ISO 8601 with offset", result.GetProperty("errors")[0].Str("details"));
    }

    [Fact]
    public async Task The_templates_have_every_column_and_an_example_row_that_integrates()
    {
        var client = api.CreateClient();
        using var csv = await client.GetAsync("/v1/delivery-orders/template.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', Sheets.Columns), lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("Cuauhtémoc", lines[1]);

        using var xlsx = await client.GetAsync("/v1/delivery-orders/template.xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        var workbook = await xlsx.Content.ReadAsByteArrayAsync();
        using var stream = new MemoryStream(workbook);
        Assert.Equal(new[] { "orders", "columns" }, MiniExcelLibs.MiniExcel.GetSheetNames(stream).ToArray());
        stream.Position = 0;
        var documented = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "columns").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(Sheets.Columns, documented.Select(r => (string)r["column"]!).ToArray());
        var street = documented.Single(r => (string)r["column"]! == "recipientLocation.street");
        Assert.Equal(("yes", "text", "Calle Orizaba"), ((string)street["required"]!, (string)street["format"]!, (string)street["example"]!));
        Assert.Equal("when country is mx", documented.Single(r => (string)r["column"]! == "packageInformation.cartaPorte.productKey")["required"]);

        // Both examples integrate as they are (the example's shipperTrackingId is created once, then ALREADY_EXISTS).
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var fromCsv = await shipper.WaitFor(await shipper.UploadOk(bytes, "template.csv"));
        var fromXlsx = await shipper.WaitFor(await shipper.UploadOk(workbook, "template.xlsx"));
        Assert.Equal(1, fromCsv.GetProperty("created").GetInt32() + fromXlsx.GetProperty("created").GetInt32());
        Assert.Equal(2, fromCsv.GetProperty("processedRows").GetInt32() + fromXlsx.GetProperty("processedRows").GetInt32());
    }
}
