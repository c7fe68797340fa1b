using System.Globalization;
using System.Text;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

/// <summary>
/// The label in ZPL II for 203 dpi thermal printers, 4x6 in (812 x 1218 dots): one <c>^XA ... ^XZ</c> block per shipment,
/// <c>^CI28</c> (UTF-8), a <c>^BC</c> Code 128 of the trackingId and a <c>^BQ</c> QR code of the tracking page. Every
/// field of user data goes through <c>^FH</c> with <c>^</c>, <c>~</c>, <c>_</c> and <c>\</c> as hex escapes, so an
/// address cannot end a field or start a command; every text field is a <c>^FB</c> block with a line limit, so long
/// text is cut by the printer instead of overflowing.
/// </summary>
internal static class ZplLabels
{
    public const int Width = 812;
    public const int Height = 1218;

    private const int Margin = 30;
    private const int Inner = Width - (2 * Margin);
    private const int BarcodeTop = 630;
    private const int BarcodeHeight = 170;
    private const int DetailsTop = 905;
    private const int QrLeft = 560;
    private const int QrBox = 230;

    public static byte[] Render(IReadOnlyList<LabelContent> labels)
    {
        var zpl = new StringBuilder();
        foreach (var label in labels)
        {
            Write(zpl, LabelFields.Of(label));
        }

        return Encoding.UTF8.GetBytes(zpl.ToString());
    }

    /// <summary>User text as <c>^FH</c> field data: the characters ZPL reads as commands or escapes become <c>_XX</c> hex, control characters spaces.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '^' or '~' or '_' or '\\' => escaped.Append('_').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)),
                _ when char.IsControl(c) => escaped.Append(' '),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static void Write(StringBuilder zpl, LabelFields f)
    {
        zpl.Append("^XA\n^CI28\n").Append(CultureInfo.InvariantCulture, $"^PW{Width}\n^LL{Height}\n^LH0,0\n");
        Text(zpl, Margin, 30, 50, 1, "CARGAMOS");
        Text(zpl, Margin, 90, 24, 1, "From: " + f.Sender);
        Box(zpl, Margin, 125, Inner, 3);

        var y = 140;
        if (f.Canceled)
        {
            Box(zpl, Margin, y, Inner, 70);
            zpl.Append(CultureInfo.InvariantCulture, $"^FO{Margin},{y + 12}^FR^A0N,48,48^FB{Inner},1,0,C,0^FH^FD{Escape(LabelFields.CanceledBand)}^FS\n");
            y += 80;
        }

        Text(zpl, Margin, y, 22, 1, "SHIP TO");
        Text(zpl, Margin, y + 28, 40, 2, f.RecipientName);
        Text(zpl, Margin, y + 120, 28, 4, f.Address.ToArray());
        Text(zpl, Margin, y + 252, 36, 1, f.PostalCodeAndCountry);
        if (f.Phone is not null)
        {
            Text(zpl, Margin, y + 295, 28, 1, "Tel: " + f.Phone);
        }

        if (f.Reference is not null)
        {
            Text(zpl, Margin, y + 330, 24, 2, "Ref: " + f.Reference);
        }

        Box(zpl, Margin, 610, Inner, 3);
        var modules = LabelBarcodes.Code128(f.TrackingId).Length;
        var module = Math.Clamp(Inner / (modules + 20), 1, 4);
        zpl.Append(CultureInfo.InvariantCulture,
            $"^FO{(Width - (modules * module)) / 2},{BarcodeTop}^BY{module},3,{BarcodeHeight}^BCN,{BarcodeHeight},N,N,N,A^FH^FD{Escape(f.TrackingId)}^FS\n");
        Text(zpl, Margin, BarcodeTop + BarcodeHeight + 15, 60, 1, f.TrackingId, "C");
        Box(zpl, Margin, 890, Inner, 3);

        var dy = DetailsTop;
        foreach (var (name, value) in f.Details)
        {
            Text(zpl, Margin, dy, 24, 1, $"{name}: {value}", width: QrLeft - Margin - 10);
            dy += 30;
        }

        var magnification = Math.Clamp(QrBox / LabelBarcodes.Qr(f.TrackingUrl).Width, 1, 10);
        zpl.Append(CultureInfo.InvariantCulture, $"^FO{QrLeft},{DetailsTop - 10}^BQN,2,{magnification}^FH^FDMA,{Escape(f.TrackingUrl)}^FS\n");
        Text(zpl, QrLeft, DetailsTop + QrBox + 10, 20, 1, "Scan to track", "C", Width - Margin - QrLeft);
        zpl.Append("^XZ\n");
    }

    private static void Text(StringBuilder zpl, int x, int y, int size, int maxLines, string text, string align = "L", int width = Inner) =>
        Text(zpl, x, y, size, maxLines, [text], align, width);

    /// <summary>A text block: lines joined with <c>\&amp;</c> (the ^FB line break), at most <paramref name="maxLines"/> lines.</summary>
    private static void Text(StringBuilder zpl, int x, int y, int size, int maxLines, string[] lines, string align = "L", int width = Inner)
    {
        if (lines.Length == 0)
        {
            return;
        }

        var data = string.Join(@"\&", lines.Select(Escape));
        zpl.Append(CultureInfo.InvariantCulture, $"^FO{x},{y}^A0N,{size},{size}^FB{width},{maxLines},0,{align},0^FH^FD{data}^FS\n");
    }

    private static void Box(StringBuilder zpl, int x, int y, int width, int height) =>
        zpl.Append(CultureInfo.InvariantCulture, $"^FO{x},{y}^GB{width},{height},{height}^FS\n");
}
