using System.Globalization;
using System.IO.Compression;
using System.Text.Unicode;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Spreadsheets;
using CsvHelper;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;
using Microsoft.Extensions.Logging;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// CSV (CsvHelper, UTF-8 with or without BOM, <c>,</c> or <c>;</c>) and XLSX (MiniExcel) files, recognized by their content,
/// never by their name. Rows are read lazily (streaming readers over the stored bytes), so memory does not grow with rows.
/// An upload's inspection is bounded: a workbook is checked by <see cref="XlsxPreflight"/> before MiniExcel reads it, every
/// reading spends from a <see cref="WorkBudget"/> that also stops when the request is cancelled, and whatever a damaged
/// file makes a reader throw is answered as a 4xx at one place, <see cref="Inspect"/>.
/// </summary>
internal sealed class SpreadsheetFiles(ILogger<SpreadsheetFiles> logger) : ISpreadsheetFiles
{
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // An encrypted (password-protected) workbook is an OLE container holding the streams EncryptionInfo and
    // EncryptedPackage; the directory names them in UTF-16.
    private static readonly byte[] EncryptedPackage = System.Text.Encoding.Unicode.GetBytes("EncryptedPackage");
    private const int MaxRecordBytes = 1024 * 1024;

    // MiniExcel would read the zip entry a cell's text names ("@@@fileid@@@,<path>") into memory: a cell is text here.
    private static readonly OpenXmlConfiguration ReadConfiguration = new() { EnableConvertByteArray = false };

    public SpreadsheetInspection Inspect(ReadOnlyMemory<byte> content, SpreadsheetLimits limits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var budget = new WorkBudget(limits.MaxWorkUnits, cancellationToken);
        SpreadsheetFormat? format = null;
        try
        {
            format = Recognize(content.Span);
            SpreadsheetLayout layout;
            IEnumerable<SpreadsheetRow> rows;
            if (format == SpreadsheetFormat.Xlsx)
            {
                XlsxPreflight.Check(content, limits, budget);
                layout = new SpreadsheetLayout(SpreadsheetFormat.Xlsx, null, SpreadsheetHeader.Map(XlsxHeader(content)));
                rows = XlsxRows(content, layout, cancellationToken);
            }
            else
            {
                var (body, separator) = CsvBody(content);
                RefuseUnclosedQuote(body.Span, separator);
                layout = new SpreadsheetLayout(SpreadsheetFormat.Csv, separator, SpreadsheetHeader.Map(CsvHeader(body, separator)));
                rows = CsvRows(() => CsvHelper.CsvReader.Create(body, CsvOptions(separator)), layout, budget);
            }

            var count = 0;
            foreach (var row in rows)
            {
                if (++count > limits.MaxRows)
                {
                    throw SpreadsheetErrors.TooManyRows(count, limits.MaxRows);
                }

                RefuseUnstorableCells(row, layout);
            }

            return count == 0
                ? throw SpreadsheetErrors.Missing("The file has a header and no rows: add one row per delivery order below the header.")
                : new SpreadsheetInspection(layout, count);
        }
        catch (Exception e) when (e is not (AppError or OperationCanceledException or OutOfMemoryException))
        {
            // Whatever a damaged file makes a reader throw (XmlException, InvalidDataException, IOException, MiniExcel's own,
            // ArgumentException, FormatException, InvalidOperationException...) is the file's fault, never a 500.
            logger.LogInformation("An uploaded {Format} file was refused as unreadable: {Exception}: {Message}",
                format?.ToString() ?? "unrecognized", e.GetType().Name, e.Message);
            throw format == SpreadsheetFormat.Csv
                ? SpreadsheetErrors.Invalid($"The CSV file cannot be read ({e.GetType().Name}): export it again as CSV UTF-8 (comma delimited).")
                : Unreadable(e);
        }
    }

    public IEnumerable<SpreadsheetRow> Rows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout) =>
        layout.Format == SpreadsheetFormat.Xlsx
            ? XlsxRows(content, layout, CancellationToken.None)
            : CsvRows(() => CsvHelper.CsvReader.Create(CsvBody(content).Body, CsvOptions(layout.Separator ?? ',')), layout, null);

    public IEnumerable<SpreadsheetRow> Rows(Stream content, SpreadsheetLayout layout)
    {
        if (layout.Format == SpreadsheetFormat.Csv)
        {
            return CsvRows(() => CsvHelper.CsvReader.Create(CsvBody(content), CsvOptions(layout.Separator ?? ',')), layout, null);
        }

        // A workbook is a zip, whose directory is at its end: it is read whole.
        using var workbook = new MemoryStream();
        content.CopyTo(workbook);
        return XlsxRows(workbook.ToArray(), layout, CancellationToken.None);
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
            if (bytes.IndexOf(EncryptedPackage) >= 0)
            {
                throw SpreadsheetErrors.NotASpreadsheet(
                    "The workbook is protected with a password (encrypted), so it cannot be read: open it in Excel, remove the password " +
                    "(File > Info > Protect Workbook > Encrypt with Password, leave it empty), save it as Excel Workbook (.xlsx) and upload it again.");
            }

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

    private static IReadOnlyList<string> CsvHeader(ReadOnlyMemory<byte> body, char separator)
    {
        using var reader = CsvHelper.CsvReader.Create(body, CsvOptions(separator));
        try
        {
            return reader.Headers.ToList();
        }
        catch (CsvFormatException e)
        {
            throw SpreadsheetErrors.Invalid($"The CSV header cannot be read: {e.Message}");
        }
    }

    /// <summary>
    /// A quoted field that never closes would swallow the rest of the file as one cell (CsvHelper reads it so): refused (400),
    /// naming the line it opens on. A quote opens a field only at its start (RFC 4180); "" inside it is a quote.
    /// </summary>
    private static void RefuseUnclosedQuote(ReadOnlySpan<byte> body, char separator)
    {
        bool quoted = false, fieldStart = true;
        int line = 1, opened = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b == '\n')
            {
                line++;
            }

            if (quoted)
            {
                if (b == '"')
                {
                    if (i + 1 < body.Length && body[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
            }
            else if (b == '"' && fieldStart)
            {
                (quoted, opened, fieldStart) = (true, line, false);
            }
            else
            {
                fieldStart = b == separator || b is (byte)'\n' or (byte)'\r';
            }
        }

        if (quoted)
        {
            throw SpreadsheetErrors.Invalid(
                $"The CSV file has a quoted field opened on line {opened} that never closes: a field that starts with a double quote (\") must end with " +
                "another one, and a quote inside it is written twice (\"\"). Correct that line, or export the file again as CSV UTF-8.");
        }
    }

    private static string Letter(SpreadsheetLayout layout, int index)
    {
        for (var position = 0; position < layout.ColumnIndexes.Count; position++)
        {
            if (layout.ColumnIndexes[position] == index)
            {
                return SpreadsheetHeader.Letter(position);
            }
        }

        return "?";
    }

    /// <summary>A cell no spreadsheet can hold, or that no text can store (a NUL character), refuses the whole file (400).</summary>
    private static void RefuseUnstorableCells(SpreadsheetRow row, SpreadsheetLayout layout)
    {
        for (var index = 0; index < row.Cells.Length; index++)
        {
            if (row.Cells[index] is not { } cell)
            {
                continue;
            }

            var column = DeliveryOrderFields.Columns[index].Path;
            if (cell.Text.Length > XlsxPreflight.MaxCellCharacters)
            {
                throw SpreadsheetErrors.Invalid(
                    $"Row {row.Number}, column {Letter(layout, index)} ({column}) holds {cell.Text.Length:N0} characters, more than the {XlsxPreflight.MaxCellCharacters:N0} a spreadsheet " +
                    "cell holds: the file is damaged or a quote is misplaced; correct that cell or export the file again.", column);
            }

            if (cell.Text.Contains('\0', StringComparison.Ordinal))
            {
                throw SpreadsheetErrors.Invalid(
                    $"Row {row.Number}, column {Letter(layout, index)} ({column}) holds a NUL character (binary data), which text cannot hold: the file is damaged; " +
                    "export it again as CSV UTF-8 or Excel Workbook (.xlsx).", column);
            }
        }
    }

    private static IEnumerable<SpreadsheetRow> CsvRows(Func<CsvReader> open, SpreadsheetLayout layout, WorkBudget? budget)
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

            budget?.Spend(1 + reader.FieldCount);

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
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
    {
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
        foreach (var row in XlsxValues(content, CancellationToken.None))
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

    private static IEnumerable<SpreadsheetRow> XlsxRows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout, CancellationToken cancellationToken)
    {
        var width = DeliveryOrderFields.Columns.Count;
        var number = 0;
        foreach (var row in XlsxValues(content, cancellationToken))
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

    private static IEnumerable<IEnumerable<(string Column, object? Value)>> XlsxValues(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var stream = Open(content);
        IEnumerator<dynamic> rows;
        try
        {
            rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX, configuration: ReadConfiguration).GetEnumerator();
        }
        catch (Exception e) when (e is not (AppError or OperationCanceledException))
        {
            throw Unreadable(e);
        }

        using (rows)
        {
            while (true)
            {
                IDictionary<string, object?> row;
                cancellationToken.ThrowIfCancellationRequested();
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

    /// <summary>A read-only stream over the bytes, without copying them when they are an array's.</summary>
    internal static MemoryStream Open(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static AppError Unreadable(Exception e) =>
        SpreadsheetErrors.NotASpreadsheet($"The XLSX workbook is damaged and cannot be read ({e.GetType().Name}): open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx), or export it again.");

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
