using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.Spreadsheets;
using Cargamos.Modular.Infrastructure.Spreadsheets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit.Abstractions;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>The API with the default upload limits and no lot processor (an accepted file stays RECEIVED).</summary>
public sealed class HostileUploadApiFactory : SpreadsheetApiFactory
{
    public HostileUploadApiFactory() => Settings["Spreadsheets:ProcessorEnabled"] = "false";
}

/// <summary>
/// Damaged, hostile and bomb files: each answers a 4xx in the envelope (never a 5xx, never a 202 for a broken one), each
/// within a generous time bound, and a workbook that unzips or walks to far more than it weighs is refused at its limit.
/// </summary>
public sealed class HostileUploadTests(HostileUploadApiFactory api, ITestOutputHelper output) : IClassFixture<HostileUploadApiFactory>
{
    private const int Seed = 20261128;

    // Generous bounds: a file that hangs the reader (the 13 minutes an operator saw) fails here; no timing is asserted otherwise.
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WholeCorpus = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Every_file_of_a_generated_corpus_of_broken_files_is_a_4xx_in_the_envelope_never_a_5xx()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        // The corpus mutates files that are accepted as they are.
        foreach (var (name, valid) in new[] { ("orders.xlsx", BrokenFiles.Zip(BrokenFiles.WorkbookParts())), ("orders.csv", Sheets.Csv([Sheets.ValidRow()])) })
        {
            using var accepted = await Upload(shipper, valid, name, CancellationToken.None);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var corpus = BrokenFiles.Corpus(Seed);
        var failures = new List<string>();
        var answers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        using var whole = new CancellationTokenSource(WholeCorpus);
        foreach (var file in corpus)
        {
            using var one = CancellationTokenSource.CreateLinkedTokenSource(whole.Token);
            one.CancelAfter(PerFile);
            HttpResponseMessage response;
            try
            {
                response = await Upload(shipper, file.Content, file.Name.StartsWith("csv", StringComparison.Ordinal) ? "orders.csv" : "orders.xlsx", one.Token);
            }
            catch (OperationCanceledException)
            {
                failures.Add($"{file.Name}: no answer within {PerFile.TotalSeconds:N0} s");
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var key = $"{status} {(file.Broken ? "broken" : "odd")}";
                answers[key] = answers.GetValueOrDefault(key) + 1;
                if (status >= 500 || (file.Broken && status < 400) || status is < 200 or (>= 300 and < 400))
                {
                    failures.Add($"{file.Name}: {BrokenFiles.Describe(response.StatusCode, await response.Content.ReadAsStringAsync())}");
                }
                else if (status >= 400)
                {
                    try
                    {
                        var body = await response.AssertEnvelope(response.StatusCode, StatusNames.For(status));
                        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.Str("details"))));
                    }
                    catch (Exception e) when (e is Xunit.Sdk.XunitException)
                    {
                        failures.Add($"{file.Name}: {status} not in the envelope: {e.Message}");
                    }
                }
            }
        }

        output.WriteLine($"{corpus.Count} files ({corpus.Count(f => f.Broken)} broken, {corpus.Count(f => !f.Broken)} odd): " +
                         string.Join(", ", answers.Select(a => $"{a.Key} x{a.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} files answered wrongly:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task An_empty_row_bomb_is_refused_at_its_limit_without_being_walked()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        // The operator's file: a few hundred KB holding 480 MB of empty rows; refused by what it unzips to, before any XML is read.
        var unzipped = await Refused(shipper, EmptyRows(480));
        Assert.Contains("expands to more than 200 MB when unzipped", unzipped);

        // Under the unzipped limit, 3,000,000 empty rows: refused at the first row past the limit, not after walking them all.
        var rows = await Refused(shipper, BrokenFiles.WithSheet(BrokenFiles.Sheet(BrokenFiles.SheetData(1) + string.Concat(Enumerable.Repeat("<row/>", 3_000_000)))));
        Assert.Contains("reaches row 200,001, beyond the 200,000 rows one upload may span, blank rows included", rows);

        // One row numbered 1,048,576 (Excel's last), declared by the sheet's range or not: refused before walking to it.
        Assert.Contains("reaches row 1,048,576", await Refused(shipper, BrokenFiles.WithSheet(BrokenFiles.Sheet(BrokenFiles.SheetData(1), "A1:AK1048576"))));
        Assert.Contains("reaches row 1,048,576", await Refused(shipper, BrokenFiles.WithSheet(BrokenFiles.Sheet(BrokenFiles.SheetData(1) + "<row r=\"1048576\"/>"))));

        // 150,000 rows as wide as Excel allows: 2.4 billion blank cells to walk.
        var wide = await Refused(shipper, BrokenFiles.WithSheet(BrokenFiles.Sheet(BrokenFiles.SheetData(1) + "<row r=\"150000\"><c r=\"XFD150000\"/></row>")));
        Assert.Contains("The first sheet spans 150,000 rows and 16,384 columns (A to XFD), blank cells included", wide);
    }

    [Theory]
    [InlineData("encrypted", "protected with a password")]
    [InlineData("macros", "contains macros")]
    [InlineData("xlsb", "Excel Binary Workbook (.xlsb)")]
    [InlineData("xml", "its part xl/worksheets/sheet1.xml is not well-formed XML (line 1, position")]
    [InlineData("dtd", "declares a DTD")]
    [InlineData("truncated", "damaged or truncated")]
    public async Task Encrypted_macro_binary_and_damaged_workbooks_are_415_saying_what_to_do(string kind, string expected)
    {
        var parts = BrokenFiles.WorkbookParts();
        byte[] content = kind switch
        {
            "encrypted" => BrokenFiles.EncryptedWorkbook(),
            "macros" => BrokenFiles.Zip(parts, binary: new Dictionary<string, byte[]> { ["xl/vbaProject.bin"] = [1, 2, 3] }),
            "xlsb" => BrokenFiles.Zip(new Dictionary<string, string>(), binary: new Dictionary<string, byte[]> { ["xl/workbook.bin"] = [1, 2, 3] }),
            "xml" => BrokenFiles.WithSheet(parts["xl/worksheets/sheet1.xml"].Replace("</row>", "</rov>", StringComparison.Ordinal)),
            "dtd" => BrokenFiles.WithSheet(parts["xl/worksheets/sheet1.xml"].Replace("?>", "?><!DOCTYPE worksheet [<!ENTITY a \"aaaa\">]>", StringComparison.Ordinal)),
            _ => BrokenFiles.Zip(parts)[..^10],
        };
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await Upload(shipper, content, "orders.xlsx", CancellationToken.None);

        var error = (await response.AssertEnvelope(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")).Error();
        Assert.Equal(("UNSUPPORTED_MEDIA_TYPE", "file"), (error.Str("code"), error.Str("parameter")));
        Assert.Contains(expected, error.Str("details"));
        Assert.Matches("(save it|export it|upload)", error.Str("details"));
    }

    [Fact]
    public async Task Unreadable_csv_content_is_400_naming_the_line_or_cell()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var row = Sheets.ValidRow();
        var csv = System.Text.Encoding.UTF8.GetString(Sheets.Csv([row, row]));
        var secondRow = csv.IndexOf('\n', csv.IndexOf('\n', StringComparison.Ordinal) + 1) + 1;

        var quote = await Refused(shipper, System.Text.Encoding.UTF8.GetBytes(csv.Insert(secondRow, "\"")), HttpStatusCode.BadRequest, "orders.csv");
        Assert.StartsWith("The CSV file has a quoted field opened on line 3 that never closes", quote);

        row["recipientLocation.street"] = new string('x', 2 * 1024 * 1024);
        var huge = await Refused(shipper, Sheets.Csv([row]), HttpStatusCode.BadRequest, "orders.csv");
        Assert.StartsWith($"Row 2, column {BrokenFiles.Letter(Sheets.Columns.ToList().IndexOf("recipientLocation.street"))} (recipientLocation.street) holds 2,097,152 characters, more than the 32,767", huge);

        // A NUL in the first 8 KB says the file is binary (415); further on, it is named by its cell.
        row["recipientLocation.street"] = "Calle\0Orizaba";
        Assert.Contains("binary data", await Refused(shipper, Sheets.Csv([row]), HttpStatusCode.UnsupportedMediaType, "orders.csv"));
        row["recipientLocation.street"] = new string('a', 9000) + "\0";
        Assert.Contains("holds a NUL character", await Refused(shipper, Sheets.Csv([row]), HttpStatusCode.BadRequest, "orders.csv"));
    }

    private async Task<string> Refused(HttpClient shipper, byte[] content, HttpStatusCode status = HttpStatusCode.RequestEntityTooLarge, string fileName = "orders.xlsx")
    {
        using var timeout = new CancellationTokenSource(PerFile);
        using var response = await Upload(shipper, content, fileName, timeout.Token);
        var error = (await response.AssertEnvelope(status, StatusNames.For((int)status))).Error();
        Assert.True(error.Str("parameter") is "file" || Sheets.Columns.Contains(error.Str("parameter")), error.Str("parameter"));
        output.WriteLine($"{(int)status}: {error.Str("details")}");
        return error.Str("details")!;
    }

    /// <summary>A workbook whose first sheet is <paramref name="megabytes"/> MB of <c>&lt;row/&gt;</c>, zipped to a few hundred KB.</summary>
    private static byte[] EmptyRows(int megabytes)
    {
        var parts = BrokenFiles.WorkbookParts();
        parts.Remove("xl/worksheets/sheet1.xml");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, true))
        {
            foreach (var (name, text) in parts)
            {
                using var part = zip.CreateEntry(name).Open();
                part.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }

            using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Optimal).Open();
            sheet.Write(System.Text.Encoding.UTF8.GetBytes(BrokenFiles.Sheet("<row r=\"1\"/>").Split("<row")[0]));
            var rows = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<row/>", 1024 * 1024 / 6)));
            for (var written = 0L; written < megabytes * 1024L * 1024; written += rows.Length)
            {
                sheet.Write(rows);
            }

            sheet.Write("</sheetData></worksheet>"u8);
        }

        return buffer.ToArray();
    }

    internal static async Task<HttpResponseMessage> Upload(HttpClient client, byte[] content, string fileName, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.PostAsync("/v1/integration-lots", form, cancellationToken);
    }
}

/// <summary>
/// The API with no work limit (MaxWorkUnits and MaxSheetRows at their largest) and a probe around the real
/// <see cref="SpreadsheetFiles"/>: it tells when an inspection starts and how it ended.
/// </summary>
public sealed class UnboundedInspectionApiFactory : SpreadsheetApiFactory
{
    public UnboundedInspectionApiFactory()
    {
        Settings["Spreadsheets:ProcessorEnabled"] = "false";
        Settings["Spreadsheets:MaxWorkUnits"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Spreadsheets:MaxSheetRows"] = "1048576";
    }

    internal InspectionProbe Probe { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<ISpreadsheetFiles>();
            services.AddSingleton<SpreadsheetFiles>();
            services.AddSingleton<ISpreadsheetFiles>(provider => new ProbedSpreadsheetFiles(provider.GetRequiredService<SpreadsheetFiles>(), Probe));
        });
    }
}

internal sealed class InspectionProbe
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How the inspection ended: null when it returned, else what it threw.</summary>
    public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed class ProbedSpreadsheetFiles(ISpreadsheetFiles inner, InspectionProbe probe) : ISpreadsheetFiles
{
    public SpreadsheetInspection Inspect(ReadOnlyMemory<byte> content, SpreadsheetLimits limits, CancellationToken cancellationToken)
    {
        probe.Started.TrySetResult();
        try
        {
            var inspection = inner.Inspect(content, limits, cancellationToken);
            probe.Ended.TrySetResult(null);
            return inspection;
        }
        catch (Exception e)
        {
            probe.Ended.TrySetResult(e);
            throw;
        }
    }

    public IEnumerable<SpreadsheetRow> Rows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout) => inner.Rows(content, layout);

    public IEnumerable<SpreadsheetRow> Rows(Stream content, SpreadsheetLayout layout) => inner.Rows(content, layout);

    public byte[] Template(SpreadsheetFormat format, IReadOnlyList<object?> example) => inner.Template(format, example);
}

public sealed class UploadAbortTests(UnboundedInspectionApiFactory api) : IClassFixture<UnboundedInspectionApiFactory>
{
    [Fact]
    public async Task A_client_that_goes_away_stops_the_inspection_of_its_file()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        // With no work limit this workbook takes hours to walk: 1,048,576 rows of 16,384 blank cells each.
        var endless = BrokenFiles.WithSheet(BrokenFiles.Sheet(BrokenFiles.SheetData(1) + "<row r=\"1048576\"><c r=\"XFD1048576\"/></row>"));
        using var client = new CancellationTokenSource();
        var upload = HostileUploadTests.Upload(shipper, endless, "orders.xlsx", client.Token);
        await api.Probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // well into the walk
        Assert.False(api.Probe.Ended.Task.IsCompleted);

        await client.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);
        var ended = await api.Probe.Ended.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsAssignableFrom<OperationCanceledException>(ended);
    }
}
