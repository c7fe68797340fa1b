using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

/// <summary>
/// The 4x6 in (288 x 432 pt) PDF label, one page per shipment: sender, recipient and address, the trackingId as a
/// Code 128 barcode and in large text, the shipment's details, and a QR code of its tracking page. Every block has a
/// fixed box; text that does not fit is wrapped, shrunk or cut with an ellipsis, never drawn outside its box.
/// </summary>
internal static class PdfLabels
{
    public const double Width = 288;
    public const double Height = 432;

    private const double Margin = 12;
    private const double Inner = Width - (2 * Margin);
    private const double AddressBottom = 224;
    private const double BarcodeTop = 230;
    private const double BarcodeHeight = 62;
    private const double DetailsTop = 332;
    private const double QrSize = 92;

    /// <summary>Code 128 asks for a quiet zone of 10 modules on each side.</summary>
    private const int QuietModules = 10;

    private static readonly XStringFormat TopLeft = XStringFormats.TopLeft;

    static PdfLabels() => LabelFonts.Install();

    public static byte[] Render(IReadOnlyList<LabelContent> labels)
    {
        using var document = new PdfDocument();
        document.Info.Title = labels.Count == 1 ? $"Cargamos label {labels[0].Shipment.TrackingId}" : $"Cargamos labels ({labels.Count})";
        document.Info.Creator = "Cargamos";
        document.Options.CompressContentStreams = true;
        foreach (var label in labels)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(Width);
            page.Height = XUnit.FromPoint(Height);
            using var gfx = XGraphics.FromPdfPage(page);
            Draw(gfx, LabelFields.Of(label));
        }

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    private static void Draw(XGraphics gfx, LabelFields f)
    {
        gfx.DrawString("CARGAMOS", Font(18, bold: true), XBrushes.Black, new XPoint(Margin, Margin), TopLeft);
        Line(gfx, Fit(gfx, "From: " + f.Sender, Font(8), Inner), Font(8), Margin, 34);
        Rule(gfx, 47);

        var y = 52.0;
        if (f.Canceled)
        {
            gfx.DrawRectangle(XBrushes.Black, Margin, y, Inner, 24);
            var band = Font(13, bold: true);
            gfx.DrawString(LabelFields.CanceledBand, band, XBrushes.White, new XRect(Margin, y, Inner, 24), XStringFormats.Center);
            y += 28;
        }

        y = Block(gfx, ["SHIP TO"], Font(7, bold: true), y, 1, AddressBottom);
        y = Block(gfx, [f.RecipientName], Font(13, bold: true), y, 2, AddressBottom);
        y = Block(gfx, f.Address, Font(9.5), y, 4, AddressBottom);
        y = Block(gfx, [f.PostalCodeAndCountry], Font(12, bold: true), y, 1, AddressBottom);
        if (f.Phone is not null)
        {
            y = Block(gfx, ["Tel: " + f.Phone], Font(9), y, 1, AddressBottom);
        }

        if (f.Reference is not null)
        {
            Block(gfx, ["Ref: " + f.Reference], Font(7.5), y, 2, AddressBottom);
        }

        Rule(gfx, 226);
        Code128(gfx, f.TrackingId);
        var big = Shrink(gfx, f.TrackingId, 22, 10, Inner, bold: true);
        gfx.DrawString(Fit(gfx, f.TrackingId, big, Inner), big, XBrushes.Black, new XRect(Margin, BarcodeTop + BarcodeHeight + 4, Inner, 26), XStringFormats.TopCenter);
        Rule(gfx, 326);

        var detailsWidth = Inner - QrSize - 8;
        var dy = DetailsTop;
        foreach (var (name, value) in f.Details)
        {
            var text = $"{name}: {value}";
            var font = Shrink(gfx, text, 7.5, 5.5, detailsWidth, bold: false);
            Line(gfx, Fit(gfx, text, font, detailsWidth), font, Margin, dy);
            dy += 10;
            if (dy > Height - Margin - 10)
            {
                break;
            }
        }

        Qr(gfx, f.TrackingUrl, Width - Margin - QrSize, DetailsTop);
        gfx.DrawString("Scan to track", Font(6), XBrushes.Black, new XRect(Width - Margin - QrSize, DetailsTop + QrSize + 1, QrSize, 8), XStringFormats.TopCenter);
    }

    private static void Code128(XGraphics gfx, string trackingId)
    {
        var modules = LabelBarcodes.Code128(trackingId);
        var module = Math.Min(1.6, Inner / (modules.Length + (2 * QuietModules)));
        var left = (Width - (modules.Length * module)) / 2;
        foreach (var (start, length) in LabelBarcodes.DarkRuns(x => modules[x], modules.Length))
        {
            gfx.DrawRectangle(XBrushes.Black, left + (start * module), BarcodeTop, length * module, BarcodeHeight);
        }
    }

    private static void Qr(XGraphics gfx, string url, double left, double top)
    {
        // The QR code's own quiet zone (4 modules, ISO/IEC 18004) lies inside its box, so the details beside it and the
        // caption under it never touch it: a scanner needs that white border to find the code.
        const int quietZone = 4;
        var matrix = LabelBarcodes.Qr(url);
        var cell = QrSize / (matrix.Width + (2 * quietZone));
        left += quietZone * cell;
        top += quietZone * cell;
        for (var y = 0; y < matrix.Height; y++)
        {
            var row = y;
            foreach (var (start, length) in LabelBarcodes.DarkRuns(x => matrix[x, row], matrix.Width))
            {
                // Cells overlap by a hair so no white seam shows between rows when rasterized.
                gfx.DrawRectangle(XBrushes.Black, left + (start * cell), top + (row * cell), (length * cell) + 0.05, cell + 0.05);
            }
        }
    }

    /// <summary>Draws <paramref name="texts"/> word-wrapped from <paramref name="top"/>, at most <paramref name="maxLines"/> lines, none below <paramref name="bottom"/>; returns the next line's top.</summary>
    private static double Block(XGraphics gfx, IReadOnlyList<string> texts, XFont font, double top, int maxLines, double bottom)
    {
        var lineHeight = font.Size * 1.22;
        var lines = 0;
        foreach (var text in texts)
        {
            foreach (var line in Wrap(gfx, text, font, Inner, maxLines - lines))
            {
                if (top + lineHeight > bottom)
                {
                    return top;
                }

                Line(gfx, line, font, Margin, top);
                top += lineHeight;
                lines++;
            }
        }

        return top;
    }

    /// <summary>Greedy word wrap into at most <paramref name="maxLines"/> lines; the last one ends with an ellipsis when text remains.</summary>
    private static List<string> Wrap(XGraphics gfx, string text, XFont font, double width, int maxLines)
    {
        var lines = new List<string>();
        if (maxLines <= 0)
        {
            return lines;
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var current = "";
        for (var i = 0; i < words.Length; i++)
        {
            var candidate = current.Length == 0 ? words[i] : current + " " + words[i];
            if (gfx.MeasureString(candidate, font).Width <= width || current.Length == 0)
            {
                current = candidate;
                continue;
            }

            if (lines.Count == maxLines - 1)
            {
                lines.Add(Fit(gfx, string.Join(' ', words[i..].Prepend(current)) + " …", font, width));
                return lines;
            }

            lines.Add(Fit(gfx, current, font, width));
            current = words[i];
        }

        if (current.Length > 0)
        {
            lines.Add(Fit(gfx, current, font, width));
        }

        return lines;
    }

    /// <summary>The text, cut and ended with an ellipsis if it is wider than <paramref name="width"/>.</summary>
    private static string Fit(XGraphics gfx, string text, XFont font, double width)
    {
        if (gfx.MeasureString(text, font).Width <= width)
        {
            return text;
        }

        int low = 0, high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (gfx.MeasureString(text[..mid].TrimEnd() + "…", font).Width <= width)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return text[..low].TrimEnd() + "…";
    }

    /// <summary>The largest size from <paramref name="size"/> down to <paramref name="smallest"/> at which the text fits.</summary>
    private static XFont Shrink(XGraphics gfx, string text, double size, double smallest, double width, bool bold)
    {
        var font = Font(size, bold);
        while (size > smallest && gfx.MeasureString(text, font).Width > width)
        {
            size -= 0.5;
            font = Font(size, bold);
        }

        return font;
    }

    private static void Line(XGraphics gfx, string text, XFont font, double x, double y) =>
        gfx.DrawString(text, font, XBrushes.Black, new XPoint(x, y), TopLeft);

    private static void Rule(XGraphics gfx, double y) => gfx.DrawLine(XPens.Black, Margin, y, Width - Margin, y);

    private static XFont Font(double size, bool bold = false) => new(LabelFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
}
