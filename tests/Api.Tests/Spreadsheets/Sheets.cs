using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Spreadsheets;
using MiniExcelLibs;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>Spreadsheet files for tests, their upload, and waiting for a lot to finish (polling, with a timeout).</summary>
public static class Sheets
{
    public static readonly IReadOnlyList<string> Columns = DeliveryOrderFields.Columns.Select(c => c.Path).ToList();

    /// <summary>A valid order (<see cref="Orders.Valid"/>) as one row: dotted column name to cell text.</summary>
    public static Dictionary<string, string?> ValidRow(string? shipperTrackingId = null, string postalCode = "06700", string country = "mx", string timeZone = "America/Mexico_City")
    {
        var row = new Dictionary<string, string?>();
        Flatten(Orders.Valid(shipperTrackingId, postalCode, country, timeZone), "", row);
        return row;
    }

    private static void Flatten(JsonNode node, string prefix, Dictionary<string, string?> row)
    {
        foreach (var (key, value) in node.AsObject())
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is JsonObject child)
            {
                Flatten(child, path, row);
            }
            else
            {
                row[path] = value?.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    null => null,
                    _ => value.ToJsonString(),
                };
            }
        }
    }

    /// <summary>A CSV of <paramref name="rows"/> under <paramref name="columns"/> (default: every column), quoting as needed.</summary>
    public static byte[] Csv(IEnumerable<IReadOnlyDictionary<string, string?>> rows, IReadOnlyList<string>? columns = null, char separator = ',', bool bom = false)
    {
        columns ??= Columns;
        var text = new StringBuilder();
        text.Append(string.Join(separator, columns.Select(c => Quote(c, separator)))).Append("\r\n");
        foreach (var row in rows)
        {
            text.Append(string.Join(separator, columns.Select(c => Quote(row.GetValueOrDefault(c), separator)))).Append("\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    private static string Quote(string? value, char separator) =>
        value is null ? "" : value.IndexOfAny([separator, '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    /// <summary>An XLSX (MiniExcel) whose first sheet has <paramref name="rows"/>: numbers and booleans as typed cells, the rest as text.</summary>
    public static byte[] Xlsx(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        var sheet = rows.Select(r => Columns.ToDictionary(c => c, c => r.GetValueOrDefault(c))).ToList();
        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, sheet, excelType: ExcelType.XLSX);
        return buffer.ToArray();
    }

    /// <summary>A row of typed cells from <see cref="ValidRow"/>: the numeric and boolean columns as numbers and booleans.</summary>
    public static Dictionary<string, object?> TypedRow(Dictionary<string, string?> row) => row.ToDictionary(kv => kv.Key, kv =>
    {
        var kind = DeliveryOrderFields.Columns.Single(c => c.Path == kv.Key).Kind;
        return kv.Value is null ? null
            : kind == FieldKind.Number ? double.Parse(kv.Value, CultureInfo.InvariantCulture)
            : kind == FieldKind.Boolean ? bool.Parse(kv.Value)
            : (object?)kv.Value;
    });

    /// <summary>
    /// A minimal XLSX written by hand (inline strings), for what MiniExcel does not write: formula cells with or without
    /// the value a spreadsheet saved with them. Each cell is its raw <c>&lt;c&gt;</c> content after the reference, e.g.
    /// <c>t="inlineStr"&gt;&lt;is&gt;&lt;t&gt;x&lt;/t&gt;&lt;/is&gt;</c> or <c>&gt;&lt;f&gt;1+1&lt;/f&gt;&lt;v&gt;2&lt;/v&gt;</c>.
    /// </summary>
    public static byte[] RawXlsx(IReadOnlyList<IReadOnlyList<string?>> rows)
    {
        var sheet = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            sheet.Append(CultureInfo.InvariantCulture, $"<row r=\"{r + 1}\">");
            for (var c = 0; c < rows[r].Count; c++)
            {
                if (rows[r][c] is { } cell)
                {
                    sheet.Append(CultureInfo.InvariantCulture, $"<c r=\"{SpreadsheetHeader.Letter(c)}{r + 1}\" {cell}</c>");
                }
            }

            sheet.Append("</row>");
        }

        sheet.Append("</sheetData></worksheet>");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, true))
        {
            void Add(string name, string content)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }

            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""");
            Add("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add("xl/workbook.xml", """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""");
            Add("xl/worksheets/sheet1.xml", sheet.ToString());
        }

        return buffer.ToArray();
    }

    public static string InlineText(string text) => $"t=\"inlineStr\"><is><t>{WebUtility.HtmlEncode(text)}</t></is>";

    public static Task<HttpResponseMessage> Upload(this HttpClient client, byte[] content, string fileName = "orders.csv", string contentType = "text/csv")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return client.PostAsync("/v1/integration-lots", form);
    }

    /// <summary>Uploads, expects 202, and returns the lot id.</summary>
    public static async Task<long> UploadOk(this HttpClient client, byte[] content, string fileName = "orders.csv")
    {
        using var response = await client.Upload(content, fileName);
        var body = await response.Body();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Upload answered {(int)response.StatusCode}: {body}");
        return body.GetProperty("data").GetProperty("lotId").GetInt64();
    }

    public static async Task<JsonElement> Lot(this HttpClient client, long lotId)
    {
        using var response = await client.GetAsync($"/v1/integration-lots/{lotId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Body()).GetProperty("data");
    }

    /// <summary>Polls the lot until its status is one of <paramref name="statuses"/> (default: finished), failing after <paramref name="timeout"/>.</summary>
    public static async Task<JsonElement> WaitFor(this HttpClient client, long lotId, TimeSpan? timeout = null, params string[] statuses)
    {
        statuses = statuses.Length == 0 ? ["COMPLETED", "FAILED"] : statuses;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var lot = await client.Lot(lotId);
            if (statuses.Contains(lot.Str("status")))
            {
                return lot;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Lot {lotId} is still {lot}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Every row result of a lot, following the pages.</summary>
    public static async Task<List<JsonElement>> Results(this HttpClient client, long lotId, int limit = 100)
    {
        var rows = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var response = await client.GetAsync($"/v1/integration-lots/{lotId}/results?limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = (await response.Body()).GetProperty("data");
            rows.AddRange(data.GetProperty("items").EnumerateArray());
            cursor = data.Str("nextCursor");
        }
        while (cursor is not null);
        return rows;
    }

    /// <summary>"CODE parameter" of each error of a row result ("CODE" alone without parameter).</summary>
    public static string[] Errors(this JsonElement row) =>
        row.GetProperty("errors").EnumerateArray().Select(e => $"{e.Str("code")} {e.Str("parameter")}".Trim()).ToArray();
}
