using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>XLSX cells that are not plain values: formulas, dates, and the templates themselves.</summary>
public sealed class SpreadsheetCellTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task A_formula_cell_counts_as_the_value_saved_with_it()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var calculated = Row(street: "t=\"str\"><f>\"Calle \"&amp;\"Orizaba\"</f><v>Calle Orizaba</v>", weight: "><f>1+0.5</f><v>1.5</v>");

        var lotId = await shipper.UploadOk(Sheets.RawXlsx([Header(), calculated]), "orders.xlsx");
        await shipper.WaitFor(lotId);
        var result = (await shipper.Results(lotId)).Single();

        Assert.Equal("CREATED", result.Str("outcome"));
        using var shipment = await shipper.GetAsync($"/v1/shipments/{result.Str("shipmentId")}");
        var order = (await shipment.Body()).GetProperty("data").GetProperty("order");
        Assert.Equal("Calle Orizaba", order.GetProperty("recipientLocation").Str("street"));
        Assert.Equal(1.5m, order.GetProperty("packageInformation").GetProperty("weight").GetDecimal());
    }

    [Fact]
    public async Task A_workbook_with_formulas_never_calculated_is_400_naming_the_cells()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var uncalculated = Row(street: "t=\"str\"><f>\"Calle \"&amp;\"Orizaba\"</f>", weight: "><f>1+0.5</f>");

        using var response = await shipper.Upload(Sheets.RawXlsx([Header(), Row(), uncalculated]), "orders.xlsx");

        var error = (await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal(("INVALID_PARAMETER", "file"), (error.Str("code"), error.Str("parameter")));
        Assert.StartsWith("Cells F3, P3 hold formulas that were never calculated", error.Str("details"));
    }

    [Fact]
    public async Task A_workbook_that_expands_beyond_200_mb_is_413()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, true))
        {
            using (var workbook = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open()))
            {
                workbook.Write("<workbook/>");
            }

            await using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.Fastest).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 201; i++)
            {
                await sheet.WriteAsync(zeros);
            }
        }

        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var response = await shipper.Upload(buffer.ToArray(), "orders.xlsx");

        var error = (await response.AssertEnvelope(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE")).Error();
        Assert.Contains("expands to more than 200 MB", error.Str("details"));
    }

    private static List<string?> Header() => Sheets.Columns.Select(c => (string?)Sheets.InlineText(c)).ToList();

    private static string?[] Row(string? street = null, string? weight = null)
    {
        var valid = Sheets.ValidRow();
        return Sheets.Columns.Select(c => c switch
        {
            "recipientLocation.street" when street is not null => street,
            "packageInformation.weight" when weight is not null => weight,
            _ => valid.GetValueOrDefault(c) is { } v ? Sheets.InlineText(v) : null,
        }).ToArray();
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
