using System.Text;
using Cargamos.Modular.Application.ReferenceData;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// Reads coverage zones from CSV: <c>zoneId,country,name,timeZone,distributionCenter,defaultCarrierId,postalCodeFrom,postalCodeTo</c>,
/// one row per range (a single code is a range from a code to itself). Every row of a zone repeats its fields. The
/// zones pass the same validation as <c>PUT /v1/admin/coverage-zones/{zoneId}</c>, and must not overlap each other.
/// Two optional trailing columns give the places a zone serves without a postal code: <c>cities</c> separated by
/// <c>|</c>, and <c>area</c> as <c>south|west|north|east</c> in degrees.
/// </summary>
internal static class CoverageCsv
{
    public static readonly string[] Columns =
        ["zoneId", "country", "name", "timeZone", "distributionCenter", "defaultCarrierId", "postalCodeFrom", "postalCodeTo"];

    public static readonly string[] ColumnsWithPlaces = [.. Columns, "cities", "area"];

    public static IReadOnlyList<CoverageZone> Read(string path) => Parse(File.ReadAllLines(path, Encoding.UTF8), Path.GetFileName(path));

    public static IReadOnlyList<CoverageZone> Parse(IReadOnlyList<string> lines, string source)
    {
        var header = lines.Count == 0 ? [] : Split(lines[0]);
        var columns = header.SequenceEqual(ColumnsWithPlaces, StringComparer.Ordinal) ? ColumnsWithPlaces : Columns;
        if (!header.SequenceEqual(columns, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"{source}: the first line must be the header {string.Join(',', Columns)} (optionally followed by ,cities,area).");
        }

        var rows = new List<(int Line, string[] Fields)>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]) || lines[i].TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = Split(lines[i]);
            if (fields.Length != columns.Length)
            {
                throw new InvalidOperationException($"{source} line {i + 1}: {fields.Length} fields, expected {columns.Length}.");
            }

            rows.Add((i + 1, fields));
        }

        var validator = new PutCoverageZoneValidator();
        var zones = new List<CoverageZone>();
        foreach (var group in rows.GroupBy(r => r.Fields[0], StringComparer.Ordinal))
        {
            var first = group.First();
            var differing = group.FirstOrDefault(r =>
                !r.Fields.Take(6).Concat(r.Fields.Skip(8)).SequenceEqual(first.Fields.Take(6).Concat(first.Fields.Skip(8)), StringComparer.Ordinal));
            if (differing.Fields is not null)
            {
                throw new InvalidOperationException(
                    $"{source} line {differing.Line}: zone '{group.Key}' has other name/country/time zone/center/carrier/cities/area than on line {first.Line}.");
            }

            var f = first.Fields;
            var command = new PutCoverageZone(group.Key, new CoverageZoneRequest(f[1], f[2], f[3], f[4], f[5],
                group.Select(r => new PostalCodeRangeRequest(r.Fields[6], r.Fields[7])).ToList(), [],
                f.Length > 8 && f[8].Length > 0 ? f[8].Split('|', StringSplitOptions.TrimEntries) : null,
                f.Length > 9 && f[9].Length > 0 ? Area(f[9], source, first.Line) : null));
            var result = validator.Validate(command);
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"{source}, zone '{group.Key}' (line {first.Line}): " +
                    string.Join(" ", result.Errors.Select(e => e.ErrorMessage)));
            }

            zones.Add(command.Zone!.ToZone(group.Key));
        }

        foreach (var zone in zones)
        {
            var overlaps = CoverageOverlaps.Between(zone, zones);
            if (overlaps.Count > 0)
            {
                var overlap = overlaps[0];
                throw new InvalidOperationException($"{source}: zone '{zone.Id}' {overlap.Item.Display} overlaps zone '{overlap.OtherZone.Id}' {overlap.OtherItem.Display}.");
            }
        }

        return zones;
    }

    private static GeoAreaRequest Area(string field, string source, int line)
    {
        var parts = field.Split('|', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : (double?)null).ToArray();
        return parts.Length == 4 && values.All(v => v.HasValue)
            ? new GeoAreaRequest(values[0], values[1], values[2], values[3])
            : throw new InvalidOperationException($"{source} line {line}: area must be south|west|north|east in degrees, e.g. 19.05|-99.37|19.6|-98.94.");
    }

    /// <summary>One CSV line: comma-separated, a field may be quoted ("Bogotá, D.C."), "" inside quotes is a quote.</summary>
    internal static string[] Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString().Trim());
        return fields.ToArray();
    }
}
