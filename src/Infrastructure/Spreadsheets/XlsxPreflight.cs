using System.Globalization;
using System.IO.Compression;
using System.Xml;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Spreadsheets;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// Checks a workbook before MiniExcel reads it, so that MiniExcel's reading is bounded by what was counted here: what the
/// zip is (a workbook, or a Word file, a binary or macro workbook...), what it unzips to, and every XML part MiniExcel reads
/// (workbook, its relationships, shared strings, styles, the first sheet), each read once by a guarded XmlReader (no DTD,
/// bounded depth, names and token size) whose nodes are counted against the <see cref="WorkBudget"/>. The first sheet's
/// rows and columns are counted as MiniExcel walks them: it yields every row up to the last one, blank ones included,
/// each as wide as the sheet's widest row or declared range.
/// </summary>
internal static class XlsxPreflight
{
    public const int ExcelLastRow = 1_048_576;
    public const int ExcelLastColumn = 16_384;
    public const int MaxCellCharacters = 32_767;

    // SpreadsheetML nests about 7 deep; distinct element and attribute names are a few hundred. A cell holds at most
    // 32,767 characters, so no tag or text of a real part comes near a megabyte between two '<'.
    private const int MaxDepth = 64;
    private const int MaxNames = 10_000;
    private const int MaxTokenBytes = 1024 * 1024;

    private const string AgainAsXlsx = "open it in Excel or LibreOffice and save it again as Excel Workbook (.xlsx), or export it again";

    private static readonly string[] RelationshipNamespaces =
        ["http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"];

    /// <summary>Throws <see cref="AppError"/> (415, 413 or 400) for a workbook MiniExcel should not read.</summary>
    public static void Check(ReadOnlyMemory<byte> content, SpreadsheetLimits limits, WorkBudget budget)
    {
        using var zip = OpenZip(content);
        var parts = Parts(zip);
        Identify(parts);
        RefuseZipBomb(zip, limits.MaxUnzippedBytes);
        if (parts.TryGetValue("[Content_Types].xml", out var types))
        {
            Scan(types, budget, new MacroContentType());
        }

        foreach (var name in (string[])["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"])
        {
            if (parts.TryGetValue(name, out var part))
            {
                Scan(part, budget, null);
            }
        }

        var sheet = new SheetWalk(limits, budget);
        Scan(FirstSheet(zip), budget, sheet);
        sheet.RefuseUncalculatedFormulas();
    }

    private static ZipArchive OpenZip(ReadOnlyMemory<byte> content)
    {
        try
        {
            var zip = new ZipArchive(SpreadsheetFiles.Open(content), ZipArchiveMode.Read);
            _ = zip.Entries;
            return zip;
        }
        catch (InvalidDataException)
        {
            throw SpreadsheetErrors.NotASpreadsheet("The file starts like a zip (XLSX) archive but is damaged or truncated: export it again.");
        }
    }

    /// <summary>The parts by name as MiniExcel looks them up: ignoring case, with '/' for '\'.</summary>
    private static Dictionary<string, ZipArchiveEntry> Parts(ZipArchive zip)
    {
        var parts = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in zip.Entries)
        {
            if (!parts.TryAdd(entry.FullName.Replace('\\', '/'), entry))
            {
                throw Damaged($"it holds two parts named '{Shorten(entry.FullName)}'");
            }
        }

        return parts;
    }

    private static void Identify(Dictionary<string, ZipArchiveEntry> parts)
    {
        if (!parts.ContainsKey("xl/workbook.xml"))
        {
            if (parts.ContainsKey("xl/workbook.bin"))
            {
                throw SpreadsheetErrors.NotASpreadsheet("The file is an Excel Binary Workbook (.xlsb), which cannot be read here: save it as Excel Workbook (.xlsx) or CSV UTF-8.");
            }

            var what = parts.ContainsKey("word/document.xml") ? "a Word document (.docx)"
                : parts.ContainsKey("ppt/presentation.xml") ? "a PowerPoint presentation (.pptx)"
                : parts.ContainsKey("content.xml") ? "an OpenDocument file (.ods/.odt): save it as .xlsx or CSV UTF-8"
                : "a zip archive";
            throw SpreadsheetErrors.NotASpreadsheet($"The file is {what}, not an XLSX workbook, whatever its name says: send a CSV (UTF-8) or XLSX file.");
        }

        if (parts.ContainsKey("xl/vbaProject.bin"))
        {
            throw MacroWorkbook();
        }
    }

    private static AppError MacroWorkbook() => SpreadsheetErrors.NotASpreadsheet(
        "The workbook contains macros (an Excel Macro-Enabled Workbook, .xlsm), which are never run nor accepted here: " +
        "save it as Excel Workbook (.xlsx) or CSV UTF-8 and upload that file.");

    /// <summary>
    /// A few megabytes of zip can hold gigabytes (a "zip bomb"); real workbooks unzip to about ten times their size.
    /// System.IO.Compression never inflates an entry past the size it declares (a stored entry is read as long as it is
    /// stored), so these sizes bound the work; a part read longer than it declares is refused as damaged.
    /// </summary>
    private static void RefuseZipBomb(ZipArchive zip, long maxBytes)
    {
        long total = 0;
        foreach (var entry in zip.Entries)
        {
            total += Math.Min(Math.Max(entry.Length, entry.CompressedLength), maxBytes + 1);
            if (total > maxBytes)
            {
                throw SpreadsheetErrors.TooMuchWork(
                    $"The workbook expands to more than {maxBytes / 1024 / 1024:N0} MB when unzipped: split it into several files.");
            }
        }
    }

    /// <summary>
    /// The sheet MiniExcel reads as the first: the only part named xl/worksheets/sheet*, or, when there are several, the
    /// first &lt;sheet&gt; of workbook.xml through its relationship.
    /// </summary>
    private static ZipArchiveEntry FirstSheet(ZipArchive zip)
    {
        var sheets = zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.OrdinalIgnoreCase)
                                            || e.FullName.StartsWith("/xl/worksheets/sheet", StringComparison.OrdinalIgnoreCase)).ToList();
        if (sheets.Count == 0)
        {
            throw Damaged("it has no worksheet (xl/worksheets/sheet1.xml)");
        }

        if (sheets.Count == 1)
        {
            return sheets[0];
        }

        string? relationship = null;
        using (var workbook = Reader(zip.Entries.Single(e => e.FullName == "xl/workbook.xml")))
        {
            while (relationship is null && workbook.Read())
            {
                if (workbook.NodeType == XmlNodeType.Element && workbook.LocalName == "sheet")
                {
                    relationship = RelationshipNamespaces.Select(ns => workbook.GetAttribute("id", ns)).FirstOrDefault(id => id is not null) ?? "";
                }
            }
        }

        string? target = null;
        if (zip.Entries.SingleOrDefault(e => e.FullName == "xl/_rels/workbook.xml.rels") is { } rels)
        {
            using var reader = Reader(rels);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && reader.GetAttribute("Id") == relationship)
                {
                    target = reader.GetAttribute("Target");
                }
            }
        }

        var found = target is null ? [] : sheets.Where(e => e.FullName == $"xl/{target}" || e.FullName == $"/xl/{target}"
                                                           || e.FullName.TrimStart('/') == target.TrimStart('/')).ToList();
        return found.Count == 1 ? found[0] : throw Damaged("the first sheet named in xl/workbook.xml is missing or named twice");
    }

    /// <summary>Reads one part to its end, counting its nodes, and lets <paramref name="visitor"/> see each element.</summary>
    private static void Scan(ZipArchiveEntry part, WorkBudget budget, IPartVisitor? visitor)
    {
        try
        {
            using var xml = Reader(part);
            while (xml.Read())
            {
                switch (xml.NodeType)
                {
                    case XmlNodeType.Element:
                        budget.Spend(1 + xml.AttributeCount);
                        if (xml.Depth > MaxDepth)
                        {
                            throw Damaged($"its part {Shorten(part.FullName)} nests elements more than {MaxDepth} levels deep");
                        }

                        visitor?.Element(xml);
                        break;
                    case XmlNodeType.EndElement:
                        visitor?.EndElement(xml);
                        break;
                    default:
                        budget.Spend(1);
                        break;
                }
            }
        }
        catch (XmlException e)
        {
            // DTDs are refused (entity expansion); MiniExcel refuses them too.
            throw Damaged(e.Message.Contains("DTD", StringComparison.Ordinal)
                ? $"its part {Shorten(part.FullName)} declares a DTD (<!DOCTYPE>), which workbooks never do"
                : $"its part {Shorten(part.FullName)} is not well-formed XML (line {e.LineNumber}, position {e.LinePosition})");
        }
    }

    private static XmlReader Reader(ZipArchiveEntry part) => XmlReader.Create(new MarkupGuardStream(part.Open(), part.FullName, part.Length), new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreWhitespace = true,
        CloseInput = true,
        NameTable = new BoundedNameTable(part.FullName),
    });

    private static AppError Damaged(string why) =>
        SpreadsheetErrors.NotASpreadsheet($"The XLSX workbook is damaged: {why}. {char.ToUpperInvariant(AgainAsXlsx[0])}{AgainAsXlsx[1..]}.");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    /// <summary>"A1" = (1, 1); false when it is not a cell reference. A column beyond XFD reads as <see cref="ExcelLastColumn"/> + 1.</summary>
    internal static bool TryParseCell(string? reference, out int column, out int row)
    {
        column = 0;
        row = 0;
        var position = 0;
        while (reference is not null && position < reference.Length && char.ToUpperInvariant(reference[position]) is >= 'A' and <= 'Z' and var letter)
        {
            column = Math.Min((column * 26) + (letter - 'A' + 1), ExcelLastColumn + 1);
            position++;
        }

        return position > 0
               && int.TryParse(reference.AsSpan(position), NumberStyles.None, CultureInfo.InvariantCulture, out row) && row > 0;
    }

    private interface IPartVisitor
    {
        void Element(XmlReader xml);

        void EndElement(XmlReader xml);
    }

    /// <summary>[Content_Types].xml: a workbook declared macro-enabled (.xlsm, .xltm, .xlam) is refused even without its VBA part.</summary>
    private sealed class MacroContentType : IPartVisitor
    {
        public void Element(XmlReader xml)
        {
            if (xml.LocalName == "Override" && xml.GetAttribute("ContentType") is { } type
                && type.Contains("ms-excel.", StringComparison.OrdinalIgnoreCase) && type.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase))
            {
                throw MacroWorkbook();
            }
        }

        public void EndElement(XmlReader xml)
        {
        }
    }

    /// <summary>
    /// The first sheet as MiniExcel walks it: rows in order (1 to 1,048,576), columns up to XFD, the walk (last row times
    /// width, blank cells included) spent from the budget as it grows; and formula cells saved without a value.
    /// </summary>
    private sealed class SheetWalk(SpreadsheetLimits limits, WorkBudget budget) : IPartVisitor
    {
        private readonly List<string> uncalculated = [];
        private int lastRow;
        private int width;
        private int cellsInRow;
        private int referencedColumn;
        private string? cell;
        private bool formula;
        private bool value;

        public void Element(XmlReader xml)
        {
            switch (xml.LocalName)
            {
                case "dimension":
                    Dimension(xml.GetAttribute("ref"));
                    break;
                case "row":
                    Row(xml.GetAttribute("r"));
                    break;
                case "c":
                    Cell(xml.GetAttribute("r"));
                    (cell, formula, value) = (xml.IsEmptyElement ? null : xml.GetAttribute("r") ?? "?", false, false);
                    break;
                case "f":
                    formula = true;
                    break;
                case "v" or "is":
                    value = true;
                    break;
            }
        }

        public void EndElement(XmlReader xml)
        {
            if (xml.LocalName == "c" && cell is not null)
            {
                if (formula && !value && uncalculated.Count < 10)
                {
                    uncalculated.Add(Shorten(cell));
                }

                cell = null;
            }
        }

        /// <summary>
        /// A formula counts as the value saved with it (what a spreadsheet shows). Programs that write formulas without
        /// calculating them save no value: such a file cannot be read as the shipper sees it, so it is refused whole (400),
        /// naming the first cells, rather than read as empty cells.
        /// </summary>
        public void RefuseUncalculatedFormulas()
        {
            if (uncalculated.Count > 0)
            {
                throw SpreadsheetErrors.Invalid(
                    $"Cells {string.Join(", ", uncalculated)}{(uncalculated.Count == 10 ? " (and maybe more)" : "")} hold formulas that were never calculated: the program that wrote " +
                    "the file saved them without their values. Open the file in Excel or LibreOffice and save it again, or write the values themselves.");
            }
        }

        private void Dimension(string? range)
        {
            // MiniExcel makes every row as wide as the declared range (A1:AK200 is 37 columns).
            var last = range?.Split(':') is { Length: 1 or 2 } ends ? ends[^1] : null;
            if (!TryParseCell(last, out var column, out var row))
            {
                return;
            }

            if (column > ExcelLastColumn || row > ExcelLastRow)
            {
                throw Damaged($"its first sheet declares the range {Shorten(range!)}, beyond Excel's last cell XFD1048576");
            }

            if (row > limits.MaxSheetRows)
            {
                throw TooManySheetRows(row);
            }

            Widen(column);
        }

        private void Row(string? number)
        {
            var row = int.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : lastRow + 1;
            if (row < 1 || row > ExcelLastRow)
            {
                throw Damaged($"its first sheet has a row numbered {row:N0}, where rows are 1 to {ExcelLastRow:N0}");
            }

            if (row <= lastRow)
            {
                throw Damaged($"its first sheet has row {row:N0} after row {lastRow:N0}, where rows are in order");
            }

            if (row > limits.MaxSheetRows)
            {
                throw TooManySheetRows(row);
            }

            // Every row from the last one up to this one is walked, blank or not, as wide as the sheet.
            var walked = (long)(row - lastRow) * Math.Max(width, 1);
            lastRow = row;
            Walk(walked);
            cellsInRow = 0;
            referencedColumn = 0;
        }

        private void Cell(string? reference)
        {
            // MiniExcel places a cell by its reference, or counts cells when one has none: the wider of both.
            cellsInRow++;
            if (TryParseCell(reference, out var column, out _))
            {
                referencedColumn = column;
            }

            var position = Math.Max(cellsInRow, referencedColumn);
            if (position > ExcelLastColumn)
            {
                throw Damaged($"its first sheet has a cell {Shorten(reference ?? "")} in row {lastRow:N0} beyond Excel's last column XFD");
            }

            Widen(position);
        }

        private void Widen(int columns)
        {
            if (columns > width)
            {
                var walked = (long)(columns - Math.Max(width, 1)) * lastRow;
                width = columns;
                Walk(walked);
            }
        }

        private void Walk(long cells)
        {
            if (!budget.TrySpend(cells))
            {
                throw SpreadsheetErrors.TooMuchWork(
                    $"The first sheet spans {lastRow:N0} rows and {width:N0} columns (A to {SpreadsheetHeader.Letter(Math.Max(width, 1) - 1)}), blank cells included, " +
                    "more than can be read at once: delete the empty rows and columns around your data (a sheet keeps cells that were formatted or cleared), " +
                    "or split it into several files.");
            }
        }

        private AppError TooManySheetRows(int row) => SpreadsheetErrors.TooMuchWork(
            $"The first sheet reaches row {row:N0}, beyond the {limits.MaxSheetRows:N0} rows one upload may span, blank rows included (a sheet keeps rows " +
            "that were formatted or cleared): delete the empty rows below your data (select them, right-click > Delete), or split it into several files.");
    }

    /// <summary>
    /// Refuses a part with more than a megabyte between two '&lt;' (one tag or one text), before the XmlReader buffers it,
    /// and a part longer than its zip entry declares.
    /// </summary>
    private sealed class MarkupGuardStream(Stream inner, string part, long declared) : ReadOnlyStream
    {
        private long run;
        private long total;

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            total += read;
            if (total > declared)
            {
                throw Damaged($"its part {Shorten(part)} is longer than its zip entry declares");
            }

            var rest = buffer[..read];
            while (!rest.IsEmpty)
            {
                var markup = rest.IndexOf((byte)'<');
                run += markup < 0 ? rest.Length : markup;
                if (run > MaxTokenBytes)
                {
                    throw Damaged($"its part {Shorten(part)} holds more than {MaxTokenBytes / 1024 / 1024} MB of text or of one tag (a cell holds at most {MaxCellCharacters:N0} characters)");
                }

                if (markup < 0)
                {
                    break;
                }

                run = 0;
                rest = rest[(markup + 1)..];
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A name table that refuses a part using more distinct names than any workbook part does (each is kept in memory).</summary>
    private sealed class BoundedNameTable(string part) : XmlNameTable
    {
        private readonly NameTable names = new();
        private int count;

        public override string Add(char[] array, int offset, int length) =>
            names.Get(array, offset, length) ?? Added(names.Add(array, offset, length));

        public override string Add(string array) => names.Get(array) ?? Added(names.Add(array));

        public override string? Get(char[] array, int offset, int length) => names.Get(array, offset, length);

        public override string? Get(string array) => names.Get(array);

        private string Added(string name) => ++count > MaxNames
            ? throw Damaged($"its part {Shorten(part)} uses more than {MaxNames:N0} different XML names")
            : name;
    }
}

/// <summary>
/// The work one upload's inspection may do (<see cref="SpreadsheetLimits.MaxWorkUnits"/>): every unit is spent here, and
/// every spending first checks the request's cancellation, so a client that went away stops the reading.
/// </summary>
internal sealed class WorkBudget(long limit, CancellationToken cancellationToken)
{
    public long Spent { get; private set; }

    public bool TrySpend(long units)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Spent += units;
        return Spent <= limit;
    }

    public void Spend(long units)
    {
        if (!TrySpend(units))
        {
            throw SpreadsheetErrors.TooMuchWork(
                $"The file is too large to read at once: it holds more than {limit:N0} XML elements, cells and fields, blank ones included (a sheet keeps " +
                "cells that were formatted or cleared): delete the empty rows and columns around your data, or split it into several files.");
        }
    }
}
