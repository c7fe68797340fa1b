using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>What an upload refuses at once, with the envelope: limits (4 KB, 5 rows here), files that are not spreadsheets, broken headers.</summary>
public sealed class SpreadsheetUploadTests(SmallLimitsApiFactory api) : IClassFixture<SmallLimitsApiFactory>
{
    private static readonly string[] Required =
    [
        "recipientLocation.country", "recipientLocation.state", "recipientLocation.city", "recipientLocation.street", "recipientLocation.exteriorNumber",
        "recipientLocation.postalCode", "recipientInformation.name", "recipientInformation.phone", "packageInformation.weight",
        "packageInformation.dimensions.length", "packageInformation.dimensions.width", "packageInformation.dimensions.height",
        "shipperDropoffDate", "expectedDeliveryDate", "packageInformation.cartaPorte.productKey", "packageInformation.cartaPorte.unitKey",
        "packageInformation.cartaPorte.quantity", "packageInformation.cartaPorte.hazardousMaterial",
    ];

    private static Dictionary<string, string?> Row() => Sheets.ValidRow();

    private static byte[] SmallCsv(int rows) => Sheets.Csv(Enumerable.Range(0, rows).Select(_ => Row()), Required);

    private async Task<(string Code, string? Parameter, string Details)[]> Refused(byte[] content, HttpStatusCode status, string statusName, string fileName = "orders.csv")
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var response = await shipper.Upload(content, fileName);
        var body = await response.AssertEnvelope(status, statusName);
        return body.GetProperty("errors").EnumerateArray().Select(e => (e.Str("code")!, e.Str("parameter"), e.Str("details")!)).ToArray();
    }

    [Fact]
    public async Task A_file_beyond_the_size_limit_is_413()
    {
        var errors = await Refused(Encoding.UTF8.GetBytes(new string('x', 5000)), HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal("PAYLOAD_TOO_LARGE", errors.Single().Code);
        Assert.Equal("file", errors.Single().Parameter);
        Assert.Contains("4,096 bytes", errors.Single().Details);
    }

    [Fact]
    public async Task A_file_beyond_the_row_limit_is_413_and_at_the_limit_is_accepted()
    {
        var errors = await Refused(SmallCsv(6), HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Contains("more than 5 rows", errors.Single().Details);

        var shipper = await api.LoginAs(DemoUser.Shipper);
        var lotId = await shipper.UploadOk(SmallCsv(5));
        Assert.Equal(5, (await shipper.WaitFor(lotId)).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task Empty_files_files_without_rows_and_files_without_a_header_are_400()
    {
        Assert.Equal("MISSING_PARAMETER", (await Refused([], HttpStatusCode.BadRequest, "BAD_REQUEST")).Single().Code);
        Assert.Contains("empty", (await Refused([0xEF, 0xBB, 0xBF, (byte)'\r', (byte)'\n'], HttpStatusCode.BadRequest, "BAD_REQUEST")).Single().Details);
        Assert.Contains("no rows", (await Refused(SmallCsv(0), HttpStatusCode.BadRequest, "BAD_REQUEST")).Single().Details);

        var noHeader = string.Join(',', Required.Select(c => Row()[c])) + "\r\n";
        var errors = await Refused(Encoding.UTF8.GetBytes(noHeader), HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(("MISSING_PARAMETER", "file"), (errors.Single().Code, errors.Single().Parameter));
        Assert.StartsWith("The first row must be the header", errors.Single().Details);
    }

    [Fact]
    public async Task Unknown_repeated_and_missing_required_columns_are_400_naming_each_column()
    {
        var columns = Required.Take(14).Where(c => c != "recipientLocation.street").Append("recipientLocation.postCode").Append("recipientLocation.country").Append("notes").ToList();
        var csv = Encoding.UTF8.GetBytes(string.Join(',', columns) + "\r\n" + string.Join(',', columns.Select(_ => "x")) + "\r\n");

        var errors = await Refused(csv, HttpStatusCode.BadRequest, "BAD_REQUEST");

        Assert.Equal(
            new[] { ("INVALID_PARAMETER", "recipientLocation.country"), ("INVALID_PARAMETER", "recipientLocation.postCode"), ("INVALID_PARAMETER", "notes"), ("MISSING_PARAMETER", "recipientLocation.street") },
            errors.Select(e => (e.Code, e.Parameter!)).ToArray());
        Assert.Contains("appears twice (columns A and O)", errors[0].Details);
        Assert.Contains("did you mean 'recipientLocation.postalCode'?", errors[1].Details);
        Assert.Equal("Unknown column 'notes' (column P). The columns are those of GET /v1/delivery-orders/template.csv.", errors[2].Details);
    }

    [Theory]
    [InlineData("pdf", "a PDF document")]
    [InlineData("xls", "Excel 97-2003 workbook")]
    [InlineData("docx", "a Word document (.docx)")]
    [InlineData("zip", "a zip archive")]
    [InlineData("png", "binary data")]
    [InlineData("latin1", "not UTF-8 (byte 0xE9 on line 2")]
    [InlineData("utf16", "UTF-16 text")]
    public async Task A_file_that_is_not_a_csv_in_utf8_nor_an_xlsx_is_415_whatever_its_name(string kind, string expected)
    {
        byte[] content = kind switch
        {
            "pdf" => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
            "xls" => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
            "docx" => Zip("word/document.xml"),
            "zip" => Zip("readme.txt"),
            "png" => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D],
            "latin1" => Encoding.Latin1.GetBytes(string.Join(',', Required) + "\r\nmx,Ciudad de M\u00e9xico\r\n"),
            _ => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(string.Join(',', Required))).ToArray(),
        };

        var errors = await Refused(content, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "orders.xlsx");

        Assert.Equal(("UNSUPPORTED_MEDIA_TYPE", "file"), (errors.Single().Code, errors.Single().Parameter));
        Assert.Contains(expected, errors.Single().Details);
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_415_and_a_form_without_a_file_is_400()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        using var json = await shipper.PostAsJsonAsync("/v1/integration-lots", new { file = "orders.csv" });
        var body = await json.AssertEnvelope(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal("Content-Type", body.Error().Str("parameter"));

        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        using var empty = await shipper.PostAsync("/v1/integration-lots", form);
        Assert.Equal("MISSING_PARAMETER", (await empty.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error().Str("code"));
    }

    [Fact]
    public async Task Only_shipper_users_upload()
    {
        var auditor = await api.LoginAs(DemoUser.Auditor);
        using var response = await auditor.Upload(SmallCsv(1));
        Assert.Equal("FORBIDDEN", (await response.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));

        using var anonymous = await api.CreateClient().Upload(SmallCsv(1));
        await anonymous.AssertEnvelope(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private static byte[] Zip(string entry)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, true))
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
            writer.Write("hello");
        }

        return buffer.ToArray();
    }
}
