using System.Globalization;
using CsvHelper;
using MiniExcelLibs;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>The delivery order templates: every column of <see cref="DeliveryOrderFields.Columns"/>, a header and one example row.</summary>
internal static class SpreadsheetTemplates
{
    public static byte[] Csv(IReadOnlyList<object?> example)
    {
        using var buffer = new MemoryStream();

        // A UTF-8 byte order mark, so that Excel opens the accents of the example (and of the shipper's rows) correctly.
        using (var writer = CsvWriter.Create(buffer, CsvWriterOptions.Default with { WriteByteOrderMark = true }, leaveOpen: true))
        {
            foreach (var column in DeliveryOrderFields.Columns)
            {
                writer.WriteField(column.Path);
            }

            writer.EndRecord();
            foreach (var value in example)
            {
                writer.WriteField(Text(value));
            }

            writer.EndRecord();
        }

        return buffer.ToArray();
    }

    public static byte[] Xlsx(IReadOnlyList<object?> example)
    {
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < DeliveryOrderFields.Columns.Count; i++)
        {
            row[DeliveryOrderFields.Columns[i].Path] = example[i];
        }

        var columns = DeliveryOrderFields.Columns.Select(c => new Dictionary<string, object?>
        {
            ["column"] = c.Path,
            ["required"] = c.RequiredText,
            ["format"] = c.Kind switch
            {
                FieldKind.Number => "number (dot as decimal separator)",
                FieldKind.Boolean => "true or false",
                FieldKind.Date => "text: ISO 8601 date-time with offset",
                _ => "text",
            },
            ["description"] = c.Description,
            ["example"] = Text(c.Example),
        }).ToList();
        var sheets = new Dictionary<string, object>
        {
            ["orders"] = new[] { row },
            ["columns"] = columns,
        };
        using var buffer = new MemoryStream();
        MiniExcel.SaveAs(buffer, sheets, excelType: ExcelType.XLSX);
        return buffer.ToArray();
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
