using System.Globalization;
using System.IO.Compression;
using System.Text.Unicode;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Spreadsheets;
using CsvHelper;
using MiniExcelLibs;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// CSV (CsvHelper, UTF-8 with or without BOM, <c>,</c> or <c>;</c>) and XLSX (MiniExcel) files, recognized by their content,
/// never by their name. Rows are read lazily (streaming readers over the stored bytes), so memory does not grow with rows.
/// </summary>
internal sealed class SpreadsheetFiles : ISpreadsheetFiles
{
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private const int MaxRecordBytes = 1024 * 1024;
    private const long MaxExpandedXlsxBytes = 512L * 1024 * 1024;

    public SpreadsheetInspection Inspect(ReadOnlyMemory<byte> content, int maxRows)
    {
        var format = Recognize(content.Span);
        var (headers, separator) = format == SpreadsheetFormat.Xlsx ? (XlsxHeader(content), (char?)null) : CsvHeader(content);
        var layout = new SpreadsheetLayout(format, separator, SpreadsheetHeader.Map(headers));
        var rows = 0;
        foreach (var _ in Rows(content, layout))
        {
            if (++rows > maxRows)
            {
                throw SpreadsheetErrors.TooManyRows(rows, maxRows);
            }
        }

        return rows == 0
            ? throw SpreadsheetErrors.Missing("The file has a header and no rows: add one row per delivery order below the header.")
            : new SpreadsheetInspection(layout, rows);
    }

    public IEnumerable<SpreadsheetRow> Rows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout) =>
        layout.Format == SpreadsheetFormat.Xlsx
            ? XlsxRows(content, layout)
            : CsvRows(() => CsvHelper.CsvReader.Create(CsvBody(content).Body, CsvOptions(layout.Separator ?? ',')), layout);

    public IEnumerable<SpreadsheetRow> Rows(Stream content, SpreadsheetLayout layout)
    {
        if (layout.Format == SpreadsheetFormat.Csv)
        {
            return CsvRows(() => CsvHelper.CsvReader.Create(CsvBody(content), CsvOptions(layout.Separator ?? ',')), layout);
        }

        // A workbook is a zip, whose directory is at its end: it is read whole.
        using var workbook = new MemoryStream();
        content.CopyTo(workbook);
        return XlsxRows(workbook.ToArray(), layout);
    }

    public byte[] Template(SpreadsheetFormat format, IReadOnlyList<object?> example) =>
        format == SpreadsheetFormat.Xlsx ? SpreadsheetTemplates.Xlsx(example) : SpreadsheetTemplates.Csv(example);

    /// <summary>XLSX by its zip signature and workbook part; otherwise it must be UTF-8 text (a CSV).</summary>
    private static SpreadsheetFormat Recognize(ReadOnlySpan<byte> bytes)
    {
        var body = bytes.StartsWith(Utf8Bom) ? bytes[3..] : bytes;
        if (body.Trim(" \r\n\t"u8).IsEmpty)
        {
            throw SpreadsheetErrors.Missing("The file is empty: send a CSV (UTF-8) or XLSX file with a header row and one row per delivery order.");
        }

        if (bytes.StartsWith(ZipMagic))
        {
            return SpreadsheetFormat.Xlsx;
        }

        if (bytes.StartsWith(OleMagic))
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file is an Excel 97-2003 workbook (.xls) or another legacy Office document: save it as Excel Workbook (.xlsx) or as CSV UTF-8.");
        }

        if (bytes.StartsWith("%PDF"u8))
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file is a PDF document, whatever its name says: send a CSV (UTF-8) or XLSX file.");
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file is UTF-16 text (Excel's \"Unicode Text\"): save it as CSV UTF-8 (comma delimited) instead.");
        }

        var head = bytes[..Math.Min(bytes.Length, 8192)];
        if (head.Contains((byte)0))
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file is binary data, not a spreadsheet, whatever its name says: send a CSV (UTF-8) or XLSX file.");
        }

        if (!Utf8.IsValid(bytes))
        {
            var (line, offset) = FirstInvalidUtf8(bytes);
            throw SpreadsheetErrors.NotASpreadsheet(
                $"The CSV file is not UTF-8 (byte 0x{bytes[offset]:X2} on line {line} is not valid UTF-8; probably Windows-1252 or ISO-8859-1): " +
                "in Excel use Save As > \"CSV UTF-8 (comma delimited)\", so that accented text such as 'México' or 'São Paulo' arrives intact.");
        }

        return SpreadsheetFormat.Csv;
    }

    private static (int Line, int Offset) FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var buffer = new char[4096];
        var offset = 0;
        while (Utf8.ToUtf16(bytes[offset..], buffer, out var read, out _, replaceInvalidSequences: false) is var status)
        {
            offset += read;
            if (status != System.Buffers.OperationStatus.DestinationTooSmall)
            {
                break;
            }
        }

        offset = Math.Min(offset, bytes.Length - 1);
        return (bytes[..offset].Count((byte)'\n') + 1, offset);
    }

    // CSV

    private static (IReadOnlyList<string> Headers, char? Separator) CsvHeader(ReadOnlyMemory<byte> content)
    {
        var (body, separator) = CsvBody(content);
        using var reader = CsvHelper.CsvReader.Create(body, CsvOptions(separator));
        try
        {
            return (reader.Headers.ToList(), separator);
        }
        catch (CsvFormatException e)
        {
            throw SpreadsheetErrors.Invalid($"The CSV header cannot be read: {e.Message}");
        }
    }

    private static IEnumerable<SpreadsheetRow> CsvRows(Func<CsvReader> open, SpreadsheetLayout layout)
    {
        using var reader = open();
        var width = DeliveryOrderFields.Columns.Count;
        while (true)
        {
            try
            {
                if (!reader.Read())
                {
                    yield break;
                }
            }
            catch (CsvFormatException e)
            {
                throw SpreadsheetErrors.Invalid($"The CSV file cannot be read after row {reader.RowNumber + 1}: {e.Message}");
            }

            SpreadsheetCell?[]? cells = null;
            var count = Math.Min(reader.FieldCount, layout.ColumnIndexes.Count);
            for (var i = 0; i < count; i++)
            {
                var index = layout.ColumnIndexes[i];
                if (index < 0 || reader.IsEmpty(i))
                {
                    continue;
                }

                var text = reader.GetString(i);
                if (!string.IsNullOrWhiteSpace(text))
                {
                    cells ??= new SpreadsheetCell?[width];
                    cells[index] = SpreadsheetCell.OfText(text);
                }
            }

            // Rows count as a spreadsheet shows them: the header is row 1. Rows without values (";;;" lines) are skipped.
            if (cells is not null)
            {
                yield return new SpreadsheetRow((int)reader.RowNumber + 1, cells);
            }
        }
    }

    /// <summary>
    /// A CSV's body as a stream, after its BOM and an Excel "sep=;" first line, both found in its first bytes (the file is read
    /// on from there as the rows are).
    /// </summary>
    private static Stream CsvBody(Stream content)
    {
        var head = new byte[64];
        var read = 0;
        for (int n; read < head.Length && (n = content.Read(head, read, head.Length - read)) > 0;)
        {
            read += n;
        }

        var (body, _) = CsvBody(head.AsMemory(0, read));
        return new PrefixedStream(body, content);
    }

    /// <summary>The CSV without an Excel "sep=;" first line, and its separator: the one of , and ; that the header line uses most.</summary>
    private static (ReadOnlyMemory<byte> Body, char Separator) CsvBody(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        var start = span.StartsWith(Utf8Bom) ? 3 : 0;
        var lineEnd = span[start..].IndexOfAny((byte)'\r', (byte)'\n');
        var firstLine = lineEnd < 0 ? span[start..] : span.Slice(start, lineEnd);
        if (firstLine.Length == 5 && firstLine.StartsWith("sep="u8))
        {
            var rest = start + lineEnd;
            while (rest < span.Length && span[rest] is (byte)'\r' or (byte)'\n')
            {
                rest++;
            }

            return (content[rest..], (char)firstLine[4]);
        }

        int commas = 0, semicolons = 0;
        var quoted = false;
        foreach (var b in firstLine)
        {
            if (b == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && b == ',')
            {
                commas++;
            }
            else if (!quoted && b == ';')
            {
                semicolons++;
            }
        }

        return (content[start..], semicolons > commas ? ';' : ',');
    }

    /// <summary>Bytes already read from a stream, then the rest of it.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (prefix.IsEmpty)
            {
                return rest.Read(buffer);
            }

            var count = Math.Min(prefix.Length, buffer.Length);
            prefix.Span[..count].CopyTo(buffer);
            prefix = prefix[count..];
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static CsvReaderOptions CsvOptions(char separator) => CsvReaderOptions.Default with
    {
        Separator = separator,
        HasHeader = true,
        DetectSeparatorHint = false,
        MaxRecordSize = MaxRecordBytes,
    };

    // XLSX

    private static IReadOnlyList<string> XlsxHeader(ReadOnlyMemory<byte> content)
    {
        EnsureWorkbook(content);
        RefuseUncalculatedFormulas(content);
        foreach (var row in XlsxValues(content))
        {
            var headers = new List<string>();
            foreach (var (column, value) in row)
            {
                var index = ColumnNumber(column);
                while (headers.Count < index)
                {
                    headers.Add("");
                }

                headers[index - 1] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            }

            return headers;
        }

        throw SpreadsheetErrors.Missing("The workbook's first sheet is empty: put the header in row 1 and one delivery order per row below it.");
    }

    private static IEnumerable<SpreadsheetRow> XlsxRows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout)
    {
        var width = DeliveryOrderFields.Columns.Count;
        var number = 0;
        foreach (var row in XlsxValues(content))
        {
            // MiniExcel yields every row from the first, empty ones included, so the count is the sheet's row number.
            if (++number == 1)
            {
                continue;
            }

            SpreadsheetCell?[]? cells = null;
            foreach (var (column, value) in row)
            {
                var position = ColumnNumber(column) - 1;
                if (value is null || position >= layout.ColumnIndexes.Count || layout.ColumnIndexes[position] is var index && index < 0)
                {
                    continue;
                }

                if (Cell(value) is { } cell)
                {
                    cells ??= new SpreadsheetCell?[width];
                    cells[layout.ColumnIndexes[position]] = cell;
                }
            }

            if (cells is not null)
            {
                yield return new SpreadsheetRow(number, cells);
            }
        }
    }

    /// <summary>A cell's value as MiniExcel typed it (a formula cell holds the value saved with the file).</summary>
    private static SpreadsheetCell? Cell(object value) => value switch
    {
        string text => string.IsNullOrWhiteSpace(text) ? null : SpreadsheetCell.OfText(text),
        double number when double.IsFinite(number) => new SpreadsheetCell(
            Math.Abs(number) < 7.9e27 ? ((decimal)number).ToString(CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture), CellKind.Number),
        bool flag => new SpreadsheetCell(flag ? "true" : "false", CellKind.Boolean),
        DateTime date => new SpreadsheetCell(date.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), CellKind.Date),
        IFormattable other => new SpreadsheetCell(other.ToString(null, CultureInfo.InvariantCulture), CellKind.Number),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? SpreadsheetCell.OfText(text) : null,
    };

    private static IEnumerable<IEnumerable<(string Column, object? Value)>> XlsxValues(ReadOnlyMemory<byte> content)
    {
        var stream = Open(content);
        IEnumerator<dynamic> rows;
        try
        {
            rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX).GetEnumerator();
        }
        catch (Exception e) when (e is not AppError)
        {
            throw Unreadable(e);
        }

        using (rows)
        {
            while (true)
            {
                IDictionary<string, object?> row;
                try
                {
                    if (!rows.MoveNext())
                    {
                        yield break;
                    }

                    row = (IDictionary<string, object?>)rows.Current;
                }
                catch (Exception e) when (e is not AppError)
                {
                    throw Unreadable(e);
                }

                yield return row.Select(kv => (kv.Key, kv.Value));
            }
        }
    }

    private static void EnsureWorkbook(ReadOnlyMemory<byte> content)
    {
        try
        {
            using var zip = new ZipArchive(Open(content), ZipArchiveMode.Read);
            if (zip.GetEntry("xl/workbook.xml") is not null)
            {
                // A few megabytes of zip can expand to gigabytes (a "zip bomb"); real workbooks expand about ten times.
                if (zip.Entries.Sum(e => e.Length) > MaxExpandedXlsxBytes)
                {
                    throw new AppError(ErrorKind.PayloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.",
                        $"The workbook expands to more than {MaxExpandedXlsxBytes / 1024 / 1024:N0} MB when unzipped: split it into several files.",
                        SpreadsheetErrors.FileParameter);
                }

                return;
            }

            var what = zip.GetEntry("word/document.xml") is not null ? "a Word document (.docx)"
                : zip.GetEntry("ppt/presentation.xml") is not null ? "a PowerPoint presentation (.pptx)"
                : zip.GetEntry("content.xml") is not null ? "an OpenDocument file (.ods/.odt): save it as .xlsx or CSV UTF-8"
                : "a zip archive";
            throw SpreadsheetErrors.NotASpreadsheet($"The file is {what}, not an XLSX workbook, whatever its name says: send a CSV (UTF-8) or XLSX file.");
        }
        catch (InvalidDataException)
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file starts like a zip (XLSX) archive but is damaged or truncated: export it again.");
        }
    }

    /// <summary>
    /// A formula cell counts as the value saved with it (what a spreadsheet shows). Programs that write formulas without
    /// calculating them save no value: such a file cannot be read as the shipper sees it, so it is refused whole (400),
    /// naming the first cells, rather than read as empty cells.
    /// </summary>
    private static void RefuseUncalculatedFormulas(ReadOnlyMemory<byte> content)
    {
        using var zip = new ZipArchive(Open(content), ZipArchiveMode.Read);
        if (FirstSheet(zip) is not { } sheet)
        {
            return;
        }

        var cells = new List<string>();
        using var xml = System.Xml.XmlReader.Create(sheet.Open(), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, IgnoreWhitespace = true });
        string? cell = null;
        bool formula = false, value = false;
        while (xml.Read() && cells.Count < 10)
        {
            if (xml.NodeType == System.Xml.XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "c":
                        cell = xml.GetAttribute("r");
                        (formula, value) = (false, false);
                        if (xml.IsEmptyElement)
                        {
                            cell = null;
                        }

                        break;
                    case "f":
                        formula = true;
                        break;
                    case "v" or "is":
                        value = true;
                        break;
                }
            }
            else if (xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.LocalName == "c")
            {
                if (formula && !value)
                {
                    cells.Add(cell ?? "?");
                }

                cell = null;
            }
        }

        if (cells.Count > 0)
        {
            throw SpreadsheetErrors.Invalid(
                $"Cells {string.Join(", ", cells)}{(cells.Count == 10 ? " (and maybe more)" : "")} hold formulas that were never calculated: the program that wrote " +
                "the file saved them without their values. Open the file in Excel or LibreOffice and save it again, or write the values themselves.");
        }
    }

    /// <summary>The first sheet of the workbook, as MiniExcel reads it: the first &lt;sheet&gt; of workbook.xml, through its relationship.</summary>
    private static ZipArchiveEntry? FirstSheet(ZipArchive zip)
    {
        string? relationship = null;
        using (var workbook = System.Xml.XmlReader.Create(zip.GetEntry("xl/workbook.xml")!.Open(), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit }))
        {
            while (relationship is null && workbook.Read())
            {
                if (workbook.NodeType == System.Xml.XmlNodeType.Element && workbook.LocalName == "sheet")
                {
                    relationship = workbook.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
                }
            }
        }

        if (relationship is null || zip.GetEntry("xl/_rels/workbook.xml.rels") is not { } rels)
        {
            return null;
        }

        using var reader = System.Xml.XmlReader.Create(rels.Open(), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit });
        while (reader.Read())
        {
            if (reader.NodeType == System.Xml.XmlNodeType.Element && reader.LocalName == "Relationship" && reader.GetAttribute("Id") == relationship
                && reader.GetAttribute("Target") is { } target)
            {
                var path = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
                return zip.GetEntry(path);
            }
        }

        return null;
    }

    /// <summary>A read-only stream over the bytes, without copying them when they are an array's.</summary>
    private static MemoryStream Open(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static AppError Unreadable(Exception e) =>
        SpreadsheetErrors.NotASpreadsheet($"The XLSX workbook cannot be read ({e.GetType().Name}): open it in Excel and save it again as Excel Workbook (.xlsx).");

    /// <summary>"A" = 1, "Z" = 26, "AA" = 27.</summary>
    private static int ColumnNumber(string letters)
    {
        var number = 0;
        foreach (var c in letters)
        {
            number = (number * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return number;
    }
}
