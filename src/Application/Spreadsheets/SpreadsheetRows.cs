using Cargamos.Modular.Application.Integration.Contracts;
namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>What a cell held in the file, before it is read as a field.</summary>
internal enum CellKind
{
    Text,

    /// <summary>An XLSX numeric cell (its text is the number, invariant culture).</summary>
    Number,

    /// <summary>An XLSX boolean cell ("true"/"false").</summary>
    Boolean,

    /// <summary>An XLSX cell formatted as a date: a local date-time without offset (its text is ISO 8601 without offset).</summary>
    Date,
}

/// <summary>One non-empty cell.</summary>
internal readonly record struct SpreadsheetCell(string Text, CellKind Kind)
{
    public static SpreadsheetCell OfText(string text) => new(text, CellKind.Text);
}

/// <summary>
/// One data row of a file, its cells placed by <see cref="DeliveryOrderFields.Columns"/> index (null: empty or absent
/// column). <see cref="Number"/> is the row as a spreadsheet shows it: the header is row 1.
/// </summary>
internal sealed record SpreadsheetRow(int Number, SpreadsheetCell?[] Cells);

/// <summary>
/// How to read a stored file: its format, the CSV separator, and for each of its columns (in file order) the index of the
/// delivery order column it holds.
/// </summary>
internal sealed record SpreadsheetLayout(SpreadsheetFormat Format, char? Separator, IReadOnlyList<int> ColumnIndexes);

/// <summary>What an upload's inspection found: a readable spreadsheet, its layout and its number of data rows.</summary>
internal sealed record SpreadsheetInspection(SpreadsheetLayout Layout, int TotalRows);

/// <summary>
/// What an upload's inspection may cost (<see cref="SpreadsheetOptions"/>): data rows, the first sheet's last row (blank
/// rows included), the bytes a workbook unzips to, and work units (XML nodes and attributes read, cells walked).
/// </summary>
internal sealed record SpreadsheetLimits(int MaxRows, int MaxSheetRows, long MaxUnzippedBytes, long MaxWorkUnits);
