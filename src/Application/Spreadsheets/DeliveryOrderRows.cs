using System.Globalization;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// A spreadsheet row read as the wire shape of a delivery order, so that it goes through exactly the checks of
/// <c>POST /v1/delivery-orders</c>. The three required blocks and the dimensions are always present (a missing value
/// is then reported by its column, e.g. <c>recipientLocation.street</c>); the optional Carta Porte block is present
/// when any of its columns has a value. Cells that cannot be read as their field's type (a number, a boolean, a date
/// written as text) are reported here with the column as <c>parameter</c>, and their field is left empty.
/// </summary>
internal static class DeliveryOrderRows
{
    private static readonly Dictionary<string, int> IndexOf = DeliveryOrderFields.Columns
        .Select((c, i) => (c.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);

    private static readonly DateTime ExcelEpoch = new(1899, 12, 30, 0, 0, 0, DateTimeKind.Unspecified);

    /// <summary>The index in <see cref="DeliveryOrderFields.Columns"/> of a column name, matched ignoring case and surrounding spaces.</summary>
    public static int? ColumnIndex(string name)
    {
        var trimmed = name.Trim();
        for (var i = 0; i < DeliveryOrderFields.Columns.Count; i++)
        {
            if (string.Equals(DeliveryOrderFields.Columns[i].Path, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    public static (DeliveryOrderRequest Request, IReadOnlyList<ErrorDetail> CellErrors) Read(SpreadsheetRow row)
    {
        var errors = new List<ErrorDetail>();
        var reader = new CellReader(row.Cells, errors);
        var cartaPorte = reader.AnyUnder("packageInformation.cartaPorte.")
            ? new CartaPorteRequest(
                reader.Text("packageInformation.cartaPorte.productKey"),
                reader.Text("packageInformation.cartaPorte.unitKey"),
                reader.Decimal("packageInformation.cartaPorte.quantity"),
                reader.Boolean("packageInformation.cartaPorte.hazardousMaterial"),
                reader.Text("packageInformation.cartaPorte.hazardousMaterialKey"),
                reader.Text("packageInformation.cartaPorte.packagingKey"))
            : null;
        var request = new DeliveryOrderRequest(
            new RecipientLocationRequest(
                reader.Text("recipientLocation.country"),
                reader.Text("recipientLocation.state"),
                reader.Text("recipientLocation.city"),
                reader.Text("recipientLocation.municipality"),
                reader.Text("recipientLocation.neighborhood"),
                reader.Text("recipientLocation.street"),
                reader.Text("recipientLocation.exteriorNumber"),
                reader.Text("recipientLocation.interiorNumber"),
                reader.Text("recipientLocation.postalCode"),
                reader.Text("recipientLocation.reference"),
                reader.Double("recipientLocation.latitude"),
                reader.Double("recipientLocation.longitude")),
            new RecipientInformationRequest(
                reader.Text("recipientInformation.name"),
                reader.Text("recipientInformation.phone"),
                reader.Text("recipientInformation.email")),
            new PackageInformationRequest(
                reader.Decimal("packageInformation.weight"),
                new DimensionsRequest(
                    reader.Decimal("packageInformation.dimensions.length"),
                    reader.Decimal("packageInformation.dimensions.width"),
                    reader.Decimal("packageInformation.dimensions.height")),
                reader.Decimal("packageInformation.declaredValue"),
                reader.Text("packageInformation.currency"),
                reader.Text("packageInformation.description"),
                reader.Text("packageInformation.contents"),
                cartaPorte),
            reader.Date("shipperDropoffDate"),
            reader.Date("expectedDeliveryDate"),
            reader.Text("shipperTrackingId"),
            reader.Text("lotId"));
        return (request, errors);
    }

    /// <summary>The local date-time an Excel serial day number stands for (days since 1899-12-30), or null when it is not one.</summary>
    public static DateTime? FromExcelSerial(double serial) =>
        serial is > 0 and < 2958466 ? ExcelEpoch.AddMilliseconds(Math.Round(serial * 86_400_000d)) : null;

    private static ErrorDetail Invalid(string column, string details) =>
        new("INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage, details, column);

    private readonly struct CellReader(SpreadsheetCell?[] cells, List<ErrorDetail> errors)
    {
        public bool AnyUnder(string prefix)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                if (cells[i] is not null && DeliveryOrderFields.Columns[i].Path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private SpreadsheetCell? Cell(string column) => cells[IndexOf[column]];

        public string? Text(string column)
        {
            if (Cell(column) is not { } cell)
            {
                return null;
            }

            if (cell.Kind == CellKind.Date)
            {
                errors.Add(Invalid(column, $"The cell is an Excel date ({cell.Text}); {column} is text: format the column as Text."));
                return null;
            }

            var text = cell.Text;
            if (cell.Kind == CellKind.Text && text.StartsWith('='))
            {
                // ="06700" is how spreadsheets keep leading zeros in a CSV: its value is the quoted text.
                if (text.Length >= 3 && text[1] == '"' && text[^1] == '"' && text.IndexOf('"', 2) == text.Length - 1)
                {
                    return text[2..^1];
                }

                errors.Add(Invalid(column, $"The cell holds a formula ({Shorten(text)}), not a value: a CSV file keeps the formula's text, never its result. Write the value itself."));
                return null;
            }

            return text;
        }

        public decimal? Decimal(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            if (TryNumber(text, out var value))
            {
                return value;
            }

            errors.Add(Invalid(column, $"'{Shorten(text)}' is not a number: write digits with a dot (or a comma) as decimal separator and no thousands separator, e.g. 1.5."));
            return null;
        }

        public double? Double(string column) => Decimal(column) is { } value ? (double)value : null;

        public bool? Boolean(string column)
        {
            var text = Text(column);
            if (text is null)
            {
                return null;
            }

            switch (text.Trim().ToLowerInvariant())
            {
                case "true" or "1" or "yes" or "sí" or "si" or "sim" or "verdadero":
                    return true;
                case "false" or "0" or "no" or "não" or "nao" or "falso":
                    return false;
                default:
                    errors.Add(Invalid(column, $"'{Shorten(text)}' is not a boolean: write true or false."));
                    return null;
            }
        }

        public string? Date(string column)
        {
            if (Cell(column) is not { } cell)
            {
                return null;
            }

            var example = DeliveryOrderFields.Columns[IndexOf[column]].Example;
            if (cell.Kind == CellKind.Date)
            {
                errors.Add(Invalid(column,
                    $"The cell is an Excel date ({cell.Text}) without time zone offset, which is ambiguous: write it as text in ISO 8601 with offset, e.g. {example}."));
                return null;
            }

            var text = cell.Text.Trim();
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && FromExcelSerial(serial) is { } local)
            {
                errors.Add(Invalid(column,
                    $"'{text}' is an Excel serial date number ({local:yyyy-MM-dd'T'HH:mm:ss}, without time zone offset, which is ambiguous): write it as text in ISO 8601 with offset, e.g. {example}."));
                return null;
            }

            return Text(column);
        }

        private static bool TryNumber(string text, out decimal value)
        {
            var trimmed = text.Trim();
            if (decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value))
            {
                return true;
            }

            // A decimal comma (1,5), as spreadsheets in Spanish and Portuguese write it, when it is the only separator.
            return trimmed.Count(c => c == ',') == 1 && !trimmed.Contains('.', StringComparison.Ordinal)
                && decimal.TryParse(trimmed.Replace(',', '.'), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
        }

        private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
    }
}
