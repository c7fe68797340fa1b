using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>One file of the corpus: <see cref="Broken"/> files must be refused (4xx); the others may be accepted (a flipped byte can land where nothing reads it).</summary>
public sealed record CorpusFile(string Name, byte[] Content, bool Broken);

/// <summary>
/// A generated corpus of damaged, hostile and merely odd spreadsheets, the same for a given seed: workbooks truncated,
/// with bytes flipped in the central directory and in entries, with XML mutations of their parts (unclosed tags, DTDs and
/// entity expansion, huge attributes, deep nesting, wrong namespaces, impossible row numbers, millions of empty rows),
/// encrypted and macro workbooks; CSVs with invalid UTF-8, NULs, unbalanced quotes and huge fields.
/// </summary>
public static class BrokenFiles
{
    public const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly string[] Header = Sheets.Columns.ToArray();

    /// <summary>A valid workbook's parts: header in shared strings, <paramref name="rows"/> valid orders as inline strings.</summary>
    public static Dictionary<string, string> WorkbookParts(int rows = 2) => new()
    {
        ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>""",
        ["_rels/.rels"] = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
        ["xl/workbook.xml"] = $"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="{Relationships}"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/></sheets></workbook>""",
        ["xl/_rels/workbook.xml.rels"] = """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>""",
        ["xl/sharedStrings.xml"] = $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}" count="{Header.Length}" uniqueCount="{Header.Length}">{string.Concat(Header.Select(h => $"<si><t>{h}</t></si>"))}</sst>""",
        ["xl/worksheets/sheet1.xml"] = Sheet(SheetData(rows), dimension: $"A1:{Letter(Header.Length - 1)}{rows + 1}"),
    };

    /// <summary>Rows 1 (the header, shared strings) to rows + 1 (valid orders).</summary>
    public static string SheetData(int rows, Func<int, string, string?>? cell = null)
    {
        var text = new StringBuilder();
        text.Append("<row r=\"1\">");
        for (var c = 0; c < Header.Length; c++)
        {
            text.Append(CultureInfo.InvariantCulture, $"<c r=\"{Letter(c)}1\" t=\"s\"><v>{c}</v></c>");
        }

        text.Append("</row>");
        var valid = Sheets.ValidRow();
        for (var r = 2; r <= rows + 1; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"<row r=\"{r}\">");
            for (var c = 0; c < Header.Length; c++)
            {
                var value = cell?.Invoke(r, Header[c]) ?? valid.GetValueOrDefault(Header[c]);
                if (value is not null)
                {
                    text.Append(CultureInfo.InvariantCulture, $"<c r=\"{Letter(c)}{r}\" {Sheets.InlineText(value)}</c>");
                }
            }

            text.Append("</row>");
        }

        return text.ToString();
    }

    public static string Sheet(string sheetData, string? dimension = null, string before = "", string after = "") =>
        $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{Main}">{(dimension is null ? "" : $"<dimension ref=\"{dimension}\"/>")}{before}<sheetData>{sheetData}</sheetData>{after}</worksheet>""";

    public static byte[] Zip(IReadOnlyDictionary<string, string> parts, CompressionLevel level = CompressionLevel.Optimal, IReadOnlyDictionary<string, byte[]>? binary = null)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, true))
        {
            foreach (var (name, content) in parts)
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }

            foreach (var (name, content) in binary ?? new Dictionary<string, byte[]>())
            {
                using var entry = zip.CreateEntry(name, level).Open();
                entry.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A workbook whose first sheet is <paramref name="sheetXml"/>, the other parts valid.</summary>
    public static byte[] WithSheet(string sheetXml, CompressionLevel level = CompressionLevel.Optimal)
    {
        var parts = WorkbookParts();
        parts["xl/worksheets/sheet1.xml"] = sheetXml;
        return Zip(parts, level);
    }

    public static string Letter(int position) => Cargamos.Modular.Application.Spreadsheets.SpreadsheetHeader.Letter(position);

    /// <summary>An encrypted (password-protected) workbook as Office writes it: an OLE compound file with EncryptionInfo and EncryptedPackage.</summary>
    public static byte[] EncryptedWorkbook()
    {
        var file = new byte[512 * 4];
        byte[] magic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        magic.CopyTo(file, 0);
        BitConverter.GetBytes((ushort)0x3E).CopyTo(file, 0x18);
        BitConverter.GetBytes((ushort)3).CopyTo(file, 0x1A);
        BitConverter.GetBytes((ushort)0xFFFE).CopyTo(file, 0x1C);
        BitConverter.GetBytes((ushort)9).CopyTo(file, 0x1E);
        BitConverter.GetBytes((ushort)6).CopyTo(file, 0x20);
        string[] names = ["Root Entry", "EncryptionInfo", "EncryptedPackage", "\u0006DataSpaces"];
        for (var i = 0; i < names.Length; i++)
        {
            var name = Encoding.Unicode.GetBytes(names[i]);
            name.CopyTo(file, 1024 + (i * 128));
            BitConverter.GetBytes((ushort)(name.Length + 2)).CopyTo(file, 1024 + (i * 128) + 0x40);
            file[1024 + (i * 128) + 0x42] = (byte)(i == 0 ? 5 : 2);
        }

        new Random(7).NextBytes(file.AsSpan(1536));
        return file;
    }

    /// <summary>The corpus for <paramref name="seed"/>: a few hundred files.</summary>
    public static List<CorpusFile> Corpus(int seed)
    {
        var random = new Random(seed);
        var files = new List<CorpusFile>();
        var stored = Zip(WorkbookParts(), CompressionLevel.NoCompression);
        var deflated = Zip(WorkbookParts());
        var miniExcel = Sheets.Xlsx([Sheets.TypedRow(Sheets.ValidRow()), Sheets.TypedRow(Sheets.ValidRow())]);

        // Zip structure: every truncation loses the end of central directory; flips and scrambles may land anywhere.
        foreach (var (kind, workbook) in new[] { ("stored", stored), ("deflated", deflated), ("miniexcel", miniExcel) })
        {
            var directory = CentralDirectory(workbook);
            foreach (var cut in new[] { 1, 3, 4, 30, directory, workbook.Length - 22, workbook.Length - 1 }
                         .Concat(Enumerable.Range(0, 12).Select(_ => random.Next(1, workbook.Length))))
            {
                files.Add(new($"zip {kind} truncated at {cut}", workbook[..cut], Broken: true));
            }

            for (var i = 0; i < 25; i++)
            {
                files.Add(new($"zip {kind} flip in central directory #{i}", Flip(workbook, random, directory, workbook.Length), Broken: false));
                files.Add(new($"zip {kind} flip in entries #{i}", Flip(workbook, random, 0, directory), Broken: false));
            }

            for (var i = 0; i < 8; i++)
            {
                var scrambled = workbook.ToArray();
                var at = random.Next(4, scrambled.Length - 16);
                random.NextBytes(scrambled.AsSpan(at, 16));
                files.Add(new($"zip {kind} 16 random bytes at {at}", scrambled, Broken: false));
            }
        }

        files.Add(new("zip entry declares 100 bytes unzipped", DeclaredSize(stored, "xl/worksheets/sheet1.xml", 100), Broken: true));
        files.Add(new("zip entry with unknown compression method", CompressionMethod(deflated, "xl/workbook.xml", 99), Broken: true));
        files.Add(new("zip with a part twice", Zip(WorkbookParts(), binary: new Dictionary<string, byte[]> { ["XL/workbook.xml"] = "<x/>"u8.ToArray() }), Broken: true));
        files.Add(new("zip central directory offset beyond the file", DirectoryOffset(deflated, int.MaxValue), Broken: true));

        // XML mutations of each part.
        foreach (var part in new[] { "xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml" })
        {
            var xml = WorkbookParts()[part];
            var root = xml.IndexOf('>', xml.IndexOf("?>", StringComparison.Ordinal) + 2);
            var body = xml.IndexOf('>', xml.IndexOf("?>", StringComparison.Ordinal) + 2) + 1;
            Add($"{part} unclosed root", xml[..xml.LastIndexOf("</", StringComparison.Ordinal)], true);
            Add($"{part} unclosed inner tag", xml.Insert(body, "<unclosed>"), true);
            for (var i = 0; i < 4; i++)
            {
                var cut = random.Next(1, xml.Length - 1);
                Add($"{part} XML truncated at {cut}", xml[..cut], true);
            }

            Add($"{part} mismatched end tag", xml.Insert(body, "<a></b>"), true);
            Add($"{part} invalid character reference", xml.Insert(body, "<a>&#0;</a>"), true);
            Add($"{part} undeclared entity", xml.Insert(body, "<a>&nbsp;</a>"), true);
            Add($"{part} billion laughs", xml.Insert(body, "<a>&l9;</a>").Insert(xml.IndexOf("?>", StringComparison.Ordinal) + 2, BillionLaughs()), true);
            Add($"{part} external entity", xml.Insert(xml.IndexOf("?>", StringComparison.Ordinal) + 2, $"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"), true);
            Add($"{part} 2 MB attribute", xml.Insert(root, $" huge=\"{new string('A', 2 * 1024 * 1024)}\""), true);
            Add($"{part} 300 KB attribute", xml.Insert(root, $" big=\"{new string('A', 300 * 1024)}\""), false);
            Add($"{part} 100,000 levels deep", xml.Insert(body, string.Concat(Enumerable.Repeat("<a>", 100_000)) + string.Concat(Enumerable.Repeat("</a>", 100_000))), true);
            Add($"{part} 20,000 distinct names", xml.Insert(body, string.Concat(Enumerable.Range(0, 20_000).Select(n => $"<n{n}/>"))), true);
            Add($"{part} wrong namespaces", xml.Replace(Main, "urn:example:wrong", StringComparison.Ordinal).Replace("http://schemas.openxmlformats.org/package/2006/", "urn:example:", StringComparison.Ordinal), part is "xl/worksheets/sheet1.xml" or "xl/sharedStrings.xml");
            Add($"{part} declared UTF-16", xml.Replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", StringComparison.Ordinal), true);
            Add($"{part} empty", "", true);
            Add($"{part} 100,000 comments", xml.Insert(body, string.Concat(Enumerable.Repeat("<!---->", 100_000))), false);
            for (var i = 0; i < 3; i++)
            {
                var at = random.Next(0, xml.Length);
                Add($"{part} character {at} replaced by '<'", xml.Remove(at, 1).Insert(at, "<"), false);
            }
        }

        // The first sheet's rows and cells.
        var rows = SheetData(2);
        var width = $"A1:{Letter(Header.Length - 1)}";
        AddSheet("row r=1048576 (Excel's last row)", Sheet(rows + "<row r=\"1048576\"><c r=\"A1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>", $"{width}1048576"), true);
        AddSheet("row r=1048576 without dimension", Sheet(rows + "<row r=\"1048576\"/>"), true);
        AddSheet("row r=1048577 (beyond Excel)", Sheet(rows + "<row r=\"1048577\"/>"), true);
        AddSheet("row r=2147483647", Sheet(rows + "<row r=\"2147483647\"/>"), true);
        AddSheet("row r=0", Sheet(rows + "<row r=\"0\"/>"), true);
        AddSheet("row r=-5", Sheet(rows + "<row r=\"-5\"/>"), true);
        AddSheet("row r beyond int", Sheet(rows + "<row r=\"99999999999\"/>"), false);
        AddSheet("rows out of order", Sheet(rows + "<row r=\"1\"/>"), true);
        AddSheet("rows up and down", Sheet(rows + string.Concat(Enumerable.Range(0, 50).Select(i => "<row r=\"150000\"/><row r=\"5\"/>"))), true);
        AddSheet("dimension A1:XFD1048576", Sheet(rows, "A1:XFD1048576"), true);
        AddSheet("dimension beyond XFD", Sheet(rows, "A1:ZZZZZZ3"), true);
        AddSheet("dimension 16,384 columns wide", Sheet(rows, "A1:XFD3"), false);
        AddSheet("dimension not a range", Sheet(rows, "nonsense"), true);
        AddSheet("cell beyond XFD", Sheet(rows + "<row r=\"4\"><c r=\"XFE4\"><v>1</v></c></row>"), true);
        AddSheet("cell reference overflowing int", Sheet(rows + "<row r=\"4\"><c r=\"ZZZZZZZZZZZZZ4\"><v>1</v></c></row>"), true);
        AddSheet("20,000 cells in a row", Sheet(rows + "<row r=\"4\">" + string.Concat(Enumerable.Repeat("<c/>", 20_000)) + "</row>"), true);
        AddSheet("3,000,000 empty rows", Sheet(rows + string.Concat(Enumerable.Repeat("<row/>", 3_000_000))), true);
        AddSheet("150,000 empty rows 16,384 columns wide", Sheet(rows + "<row r=\"150000\"><c r=\"XFD150000\"/></row>"), true);
        AddSheet("2 MB text in a cell", Sheet(SheetData(2, (r, c) => r == 2 && c == "recipientLocation.street" ? new string('x', 2 * 1024 * 1024) : null)), true);
        AddSheet("40,000 characters in a cell", Sheet(SheetData(2, (r, c) => r == 2 && c == "recipientLocation.street" ? new string('x', 40_000) : null)), true);
        AddSheet("NUL through an _x0000_ escape", Sheet(SheetData(2, (r, c) => r == 2 && c == "recipientLocation.street" ? "Calle _x0000_ 5" : null)), true);
        AddSheet("formula never calculated", Sheet(rows + "<row r=\"4\"><c r=\"A4\"><f>1+1</f></c></row>"), true);
        AddSheet("cell naming a zip entry to load", Sheet(SheetData(2, (r, c) => r == 2 && c == "recipientLocation.street" ? "@@@fileid@@@,xl/worksheets/sheet1.xml" : null)), false);
        AddSheet("no sheetData", Sheet("").Replace("<sheetData></sheetData>", "", StringComparison.Ordinal), true);
        AddSheet("shared string index out of range", Sheet(rows.Replace("<v>0</v>", "<v>99999999</v>", StringComparison.Ordinal)), false);

        // Whole files that are not a readable workbook.
        files.Add(new("encrypted workbook", EncryptedWorkbook(), Broken: true));
        files.Add(new("macro workbook (vbaProject.bin)", Zip(WorkbookParts(), binary: new Dictionary<string, byte[]> { ["xl/vbaProject.bin"] = [0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3] }), Broken: true));
        var xlsm = WorkbookParts();
        xlsm["[Content_Types].xml"] = xlsm["[Content_Types].xml"].Replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml", StringComparison.Ordinal);
        files.Add(new("macro workbook (content type)", Zip(xlsm), Broken: true));
        files.Add(new("binary workbook (.xlsb)", Zip(new Dictionary<string, string> { ["[Content_Types].xml"] = "<Types/>" }, binary: new Dictionary<string, byte[]> { ["xl/workbook.bin"] = [1, 2, 3] }), Broken: true));
        var twoSheets = WorkbookParts();
        twoSheets["xl/worksheets/sheet2.xml"] = Sheet("");
        twoSheets["xl/_rels/workbook.xml.rels"] = twoSheets["xl/_rels/workbook.xml.rels"].Replace("worksheets/sheet1.xml", "worksheets/missing.xml", StringComparison.Ordinal);
        files.Add(new("two sheets, the first missing", Zip(twoSheets), Broken: true));
        var noSheet = WorkbookParts();
        noSheet.Remove("xl/worksheets/sheet1.xml");
        files.Add(new("no worksheet", Zip(noSheet), Broken: true));

        // CSV.
        var csv = Sheets.Csv([Sheets.ValidRow(), Sheets.ValidRow()]);
        var text = Encoding.UTF8.GetString(csv);
        var dataStart = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        foreach (var invalid in new byte[][] { [0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80] })
        {
            var at = random.Next(dataStart, csv.Length);
            files.Add(new($"csv invalid UTF-8 {Convert.ToHexString(invalid)} at {at}", [.. csv[..at], .. invalid, .. csv[at..]], Broken: true));
        }

        files.Add(new("csv truncated inside a UTF-8 character", [.. Encoding.UTF8.GetBytes(text.TrimEnd() + ",Mé")[..^1]], Broken: true));
        files.Add(new("csv NUL in the header", [.. csv[..5], 0, .. csv[5..]], Broken: true));
        files.Add(new("csv NUL in a cell", Encoding.UTF8.GetBytes(text.Replace(Sheets.ValidRow()["recipientLocation.street"]!, "Calle\0Orizaba", StringComparison.Ordinal)), Broken: true));
        files.Add(new("csv NUL in a cell after 8 KB", Encoding.UTF8.GetBytes(CsvWithStreet(new string('a', 9000) + "\0")), Broken: true));
        files.Add(new("csv unbalanced quote", Encoding.UTF8.GetBytes(text.Insert(dataStart, "\"")), Broken: true));
        files.Add(new("csv unbalanced quote in the header", Encoding.UTF8.GetBytes("\"" + text), Broken: true));
        files.Add(new("csv quote in the middle of a field", Encoding.UTF8.GetBytes(text.Insert(dataStart + 1, "\"")), Broken: false));
        files.Add(new("csv 2 MB field", Encoding.UTF8.GetBytes(CsvWithStreet(new string('x', 2 * 1024 * 1024))), Broken: true));
        files.Add(new("csv 2 MB quoted field with line breaks", Encoding.UTF8.GetBytes(CsvWithStreet(new string('x', 1024 * 1024) + "\r\n" + new string('y', 1024 * 1024))), Broken: true));
        files.Add(new("csv 2 MB column name", Encoding.UTF8.GetBytes(new string('h', 2 * 1024 * 1024) + "," + text), Broken: true));
        files.Add(new("csv 20,000 unknown columns", Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, 20_000).Select(i => $"column{i}")) + "\r\n1,2\r\n"), Broken: true));
        files.Add(new("csv 500,000 separators in a row", Encoding.UTF8.GetBytes(text[..dataStart] + new string(',', 500_000) + "\r\n"), Broken: true));
        files.Add(new("csv 1,000,000 blank lines", Encoding.UTF8.GetBytes(text[..dataStart] + string.Concat(Enumerable.Repeat(",,,\r\n", 1_000_000))), Broken: true));
        files.Add(new("csv UTF-16", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)], Broken: true));
        files.Add(new("csv only a BOM", [0xEF, 0xBB, 0xBF], Broken: true));
        for (var i = 0; i < 10; i++)
        {
            var flipped = csv.ToArray();
            var at = random.Next(0, flipped.Length);
            flipped[at] = (byte)random.Next(0x20, 0x7F);
            files.Add(new($"csv ASCII byte {at} replaced", flipped, Broken: false));
        }

        return files;

        void Add(string name, string xmlPart, bool broken)
        {
            var parts = WorkbookParts();
            var part = name.Split(' ')[0];
            parts[part] = xmlPart;
            files.Add(new(name, Zip(parts, random.Next(2) == 0 ? CompressionLevel.NoCompression : CompressionLevel.Fastest), broken));
        }

        void AddSheet(string name, string sheet, bool broken) => files.Add(new($"sheet1 {name}", WithSheet(sheet, CompressionLevel.Fastest), broken));
    }

    private static string CsvWithStreet(string street)
    {
        var row = Sheets.ValidRow();
        row["recipientLocation.street"] = street;
        return Encoding.UTF8.GetString(Sheets.Csv([row]));
    }

    private static string BillionLaughs() =>
        $"<!DOCTYPE r [<!ENTITY l0 \"lol\">" + string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY l{i} \"{string.Concat(Enumerable.Repeat($"&l{i - 1};", 10))}\">")) + "]>";

    private static byte[] Flip(byte[] bytes, Random random, int from, int to)
    {
        var copy = bytes.ToArray();
        var at = random.Next(from, to);
        copy[at] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    /// <summary>Offset of the central directory, from the end of central directory record (the last 22 bytes, no comment).</summary>
    private static int CentralDirectory(byte[] zip) => BitConverter.ToInt32(zip, zip.Length - 22 + 16);

    private static byte[] DirectoryOffset(byte[] zip, int offset)
    {
        var copy = zip.ToArray();
        BitConverter.GetBytes(offset).CopyTo(copy, copy.Length - 22 + 16);
        return copy;
    }

    /// <summary>Rewrites a field of <paramref name="entry"/>'s central directory header and local header.</summary>
    private static byte[] PatchEntry(byte[] zip, string entry, int centralOffset, int localOffset, byte[] value)
    {
        var copy = zip.ToArray();
        var name = Encoding.UTF8.GetBytes(entry);
        for (var at = CentralDirectory(zip); at < copy.Length - 22;)
        {
            var nameLength = BitConverter.ToUInt16(copy, at + 28);
            var extra = BitConverter.ToUInt16(copy, at + 30);
            var comment = BitConverter.ToUInt16(copy, at + 32);
            if (copy.AsSpan(at + 46, nameLength).SequenceEqual(name))
            {
                value.CopyTo(copy, at + centralOffset);
                value.CopyTo(copy, BitConverter.ToInt32(copy, at + 42) + localOffset);
            }

            at += 46 + nameLength + extra + comment;
        }

        return copy;
    }

    private static byte[] DeclaredSize(byte[] zip, string entry, uint size) => PatchEntry(zip, entry, 24, 22, BitConverter.GetBytes(size));

    private static byte[] CompressionMethod(byte[] zip, string entry, ushort method) => PatchEntry(zip, entry, 10, 8, BitConverter.GetBytes(method));

    /// <summary>A short description of an answer for a failure message.</summary>
    public static string Describe(HttpStatusCode status, string body) => $"{(int)status} {(body.Length > 300 ? body[..300] + "..." : body)}";
}
