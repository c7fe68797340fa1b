using System.Globalization;
using System.Text;
using System.Text.Json;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Bench;

/// <summary>
/// Reproducible delivery orders (one seed, one file): recipients in the demo zones of Mexico City, Guadalajara, Monterrey
/// and Bogotá with Spanish names and accents, dates valid under the demo contract, half with a shipperTrackingId, and
/// <c>invalidPercent</c>% of rows broken in one of four ways (missing street, bad phone, uncovered postal code, too heavy).
/// </summary>
internal sealed class OrderFile(int seed, int invalidPercent)
{
    private static readonly string[] Names = ["María Pérez", "José Hernández", "Lucía Gómez", "Andrés Núñez", "Sofía Ramírez", "Íñigo Martínez", "Ana Patiño", "Julián Ortíz"];
    private static readonly string[] Streets = ["Calle Orizaba", "Av. Insurgentes Sur", "Calle Durango", "Av. Juárez", "Calle Mérida", "Paseo de la Reforma"];
    private static readonly string[] Neighborhoods = ["Roma Norte", "Condesa", "Del Valle", "Narvarte", "Polanco", "Centro"];
    private static readonly string[] Columns = DeliveryOrderFields.Columns.Select(c => c.Path).ToArray();

    private readonly string runId = seed.ToString("x", CultureInfo.InvariantCulture);

    public int Invalid { get; private set; }

    public byte[] Csv(int count)
    {
        // Written as UTF-8 as it goes (not built as a string first, then copied to bytes): the benchmark's own garbage would
        // otherwise be most of the peak working set it reports for the lot.
        var random = new Random(seed);
        using var buffer = new MemoryStream(count * 200);
        using (var text = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true))
        {
            text.Write(string.Join(',', Columns));
            text.Write("\r\n");
            Invalid = 0;
            for (var i = 0; i < count; i++)
            {
                var values = Row(random, i);
                text.Write(string.Join(',', Columns.Select(c => Quote(values.GetValueOrDefault(c)))));
                text.Write("\r\n");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The same rows as <see cref="Csv"/>, as an XLSX workbook (MiniExcel; every cell text, as the template's).</summary>
    public byte[] Xlsx(int count)
    {
        var random = new Random(seed);
        Invalid = 0;
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var values = Row(random, i);
            return Columns.ToDictionary(c => c, c => (object?)values.GetValueOrDefault(c));
        });
        using var buffer = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(buffer, rows, excelType: MiniExcelLibs.ExcelType.XLSX);
        return buffer.ToArray();
    }

    public string Order(int i)
    {
        var values = Row(new Random(seed + i), i, allowInvalid: false);
        var json = new Dictionary<string, object?>();
        foreach (var (path, value) in values)
        {
            var field = DeliveryOrderFields.Columns.First(c => c.Path == path);
            object? typed = field.Kind switch
            {
                FieldKind.Number => decimal.Parse(value!, CultureInfo.InvariantCulture),
                FieldKind.Boolean => bool.Parse(value!),
                _ => value,
            };
            var parts = path.Split('.');
            var node = json;
            foreach (var part in parts[..^1])
            {
                node = (Dictionary<string, object?>)(node.TryGetValue(part, out var child) ? child! : node[part] = new Dictionary<string, object?>());
            }

            node[parts[^1]] = typed;
        }

        return JsonSerializer.Serialize(json);
    }

    private Dictionary<string, string?> Row(Random random, int i, bool allowInvalid = true)
    {
        var (country, postalCode, state, city, zone) = random.Next(4) switch
        {
            0 => ("mx", (1000 + random.Next(16000)).ToString("00000", CultureInfo.InvariantCulture), "Ciudad de México", "Ciudad de México", "America/Mexico_City"),
            1 => ("mx", (44100 + random.Next(1900)).ToString("00000", CultureInfo.InvariantCulture), "Jalisco", "Guadalajara", "America/Mexico_City"),
            2 => ("mx", (64000 + random.Next(4000)).ToString("00000", CultureInfo.InvariantCulture), "Nuevo León", "Monterrey", "America/Monterrey"),
            _ => ("co", (110111 + random.Next(1888)).ToString(CultureInfo.InvariantCulture), "Bogotá D.C.", "Bogotá", "America/Bogota"),
        };
        var dropoff = NextOperatingDay(zone, 9 + random.Next(8), 1 + random.Next(2));
        var row = new Dictionary<string, string?>
        {
            ["recipientLocation.country"] = country,
            ["recipientLocation.state"] = state,
            ["recipientLocation.city"] = city,
            ["recipientLocation.neighborhood"] = Neighborhoods[random.Next(Neighborhoods.Length)],
            ["recipientLocation.street"] = Streets[random.Next(Streets.Length)],
            ["recipientLocation.exteriorNumber"] = (1 + random.Next(999)).ToString(CultureInfo.InvariantCulture),
            ["recipientLocation.postalCode"] = postalCode,
            ["recipientInformation.name"] = Names[random.Next(Names.Length)],
            ["recipientInformation.phone"] = $"+52 55 {random.Next(1000, 9999)} {random.Next(1000, 9999)}",
            ["packageInformation.weight"] = (0.1m + (random.Next(200) / 10m)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.length"] = (5 + random.Next(60)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.width"] = (5 + random.Next(40)).ToString(CultureInfo.InvariantCulture),
            ["packageInformation.dimensions.height"] = (2 + random.Next(30)).ToString(CultureInfo.InvariantCulture),
            ["shipperDropoffDate"] = Iso(dropoff),
            ["expectedDeliveryDate"] = Iso(dropoff.AddDays(1 + random.Next(5))),
        };
        if (country == "mx")
        {
            row["packageInformation.cartaPorte.productKey"] = "53111600";
            row["packageInformation.cartaPorte.unitKey"] = "H87";
            row["packageInformation.cartaPorte.quantity"] = "1";
            row["packageInformation.cartaPorte.hazardousMaterial"] = "false";
        }

        if (i % 2 == 0)
        {
            row["shipperTrackingId"] = $"B{runId}-{i}";
        }

        if (allowInvalid && random.Next(100) < invalidPercent)
        {
            Invalid++;
            switch (random.Next(4))
            {
                case 0: row["recipientLocation.street"] = null; break;
                case 1: row["recipientInformation.phone"] = "12"; break;
                case 2: (row["recipientLocation.country"], row["recipientLocation.postalCode"]) = ("co", "033002"); row.Remove("packageInformation.cartaPorte.productKey"); break;
                default: row["packageInformation.weight"] = "45"; break;
            }
        }

        return row;
    }

    private static DateTimeOffset NextOperatingDay(string timeZone, int hour, int daysAhead)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).Date.AddDays(daysAhead);
        while (local.DayOfWeek == DayOfWeek.Sunday)
        {
            local = local.AddDays(1);
        }

        var at = local.AddHours(hour);
        return new DateTimeOffset(at, zone.GetUtcOffset(at));
    }

    private static string Iso(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static string Quote(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
