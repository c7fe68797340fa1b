using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// Reads a header row: each named column must be a delivery order column (dotted names of the template, matched ignoring
/// case and surrounding spaces), at most once; columns without a name are ignored; the columns every order needs must be
/// there. All problems of the header come at once (400), each naming the column.
/// </summary>
internal static class SpreadsheetHeader
{
    private const int MaxUnknownReported = 20;
    private static readonly int MaxColumnNameLength = DeliveryOrderFields.Columns.Max(c => c.Path.Length);

    /// <summary>For each file column, the index of its delivery order column, or -1 for an unnamed column.</summary>
    public static IReadOnlyList<int> Map(IReadOnlyList<string> headers)
    {
        var indexes = new List<int>(headers.Count);
        var errors = new List<ErrorDetail>();
        var seen = new Dictionary<int, int>();
        var unknown = new List<(string Name, int Position)>();
        for (var position = 0; position < headers.Count; position++)
        {
            var name = headers[position].Trim().TrimStart('\uFEFF');
            if (name.Length == 0)
            {
                indexes.Add(-1);
                continue;
            }

            if (DeliveryOrderRows.ColumnIndex(name) is not { } index)
            {
                unknown.Add((name, position));
                indexes.Add(-1);
                continue;
            }

            if (seen.TryGetValue(index, out var first))
            {
                errors.Add(Invalid(name, $"The column '{name}' appears twice (columns {Letter(first)} and {Letter(position)}): keep one."));
            }

            seen[index] = position;
            indexes.Add(index);
        }

        if (seen.Count == 0)
        {
            var found = string.Join(", ", headers.Where(h => !string.IsNullOrWhiteSpace(h)).Take(4).Select(h => $"'{Shorten(h)}'"));
            throw new AppError(ErrorKind.BadRequest, "MISSING_PARAMETER", ValidationErrors.MissingParameterMessage,
                $"The first row must be the header, with the column names of the template (recipientLocation.country, recipientLocation.state, ...); " +
                $"it holds {(found.Length == 0 ? "nothing" : found)}. Download GET /v1/delivery-orders/template.csv or template.xlsx.",
                SpreadsheetErrors.FileParameter);
        }

        // A header of thousands of unknown columns (a data row, a damaged file) is answered by its first ones.
        errors.AddRange(unknown.Take(MaxUnknownReported).Select(u => Invalid(Shorten(u.Name),
            $"Unknown column '{Shorten(u.Name)}' (column {Letter(u.Position)}){Suggestion(u.Name)}. The columns are those of GET /v1/delivery-orders/template.csv.")));
        if (unknown.Count > MaxUnknownReported)
        {
            errors.Add(Invalid(SpreadsheetErrors.FileParameter,
                $"And {unknown.Count - MaxUnknownReported:N0} more unknown columns: the first row must be the header, with the column names of the template."));
        }

        for (var i = 0; i < DeliveryOrderFields.Columns.Count; i++)
        {
            var column = DeliveryOrderFields.Columns[i];
            if (column is { Required: true, RequiredWhen: null } && !seen.ContainsKey(i))
            {
                errors.Add(new ErrorDetail("MISSING_PARAMETER", ValidationErrors.MissingParameterMessage,
                    $"The file has no column '{column.Path}', which every delivery order needs ({column.Description}).", column.Path));
            }
        }

        return errors.Count > 0 ? throw new AppError(ErrorKind.BadRequest, errors) : indexes;
    }

    private static ErrorDetail Invalid(string column, string details) =>
        new("INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage, details, column);

    private static string Suggestion(string name)
    {
        // A near miss is at most 3 edits from a column name: a longer text cannot be one (and would cost its length times theirs).
        var near = name.Length <= MaxColumnNameLength + 3;
        var lower = name.ToLowerInvariant();
        var leaf = lower[(lower.LastIndexOf('.') + 1)..];
        var best = DeliveryOrderFields.Columns
            .Select(c => (c.Path, Distance: Math.Min(near ? Distance(lower, c.Path.ToLowerInvariant()) : int.MaxValue,
                c.Path.EndsWith("." + leaf, StringComparison.OrdinalIgnoreCase) || c.Path.Equals(leaf, StringComparison.OrdinalIgnoreCase) ? 0 : int.MaxValue)))
            .MinBy(c => c.Distance);
        return best.Distance <= (lower.Length >= 12 ? 3 : 2) ? $": did you mean '{best.Path}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>0 = "A", 26 = "AA".</summary>
    public static string Letter(int position)
    {
        var letters = "";
        for (var n = position + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
