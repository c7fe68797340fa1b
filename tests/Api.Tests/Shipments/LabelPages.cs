using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ZXing;

namespace Cargamos.Modular.Api.Tests.Shipments;

/// <summary>
/// Reads label PDFs back as a person's printer and scanner would: poppler's pdfinfo (page count and size), pdftotext
/// (the words and where they are) and pdftoppm (a 200 dpi grayscale page), then ZXing.Net decodes the barcodes of the
/// page. Tests that need it skip, saying why, where poppler-utils is not installed (.ci/run installs it).
/// </summary>
public static partial class LabelPages
{
    public const string Missing =
        "poppler-utils is not installed (pdftoppm, pdfinfo, pdftotext): install it (apt-get install -y poppler-utils; .ci/run does) to check labels as rendered.";

    public static bool PopplerAvailable { get; } = new[] { "pdftoppm", "pdfinfo", "pdftotext" }.All(OnPath);

    public sealed record Info(int Pages, double WidthPt, double HeightPt);

    public sealed record Word(string Text, double XMin, double YMin, double XMax, double YMax);

    public static async Task<Info> PdfInfo(byte[] pdf)
    {
        var text = Encoding.UTF8.GetString(await Run("pdfinfo", pdf, "{0}"));
        var pages = int.Parse(PagesLine().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var size = PageSizeLine().Match(text);
        return new Info(pages, double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Every word of one page (1-based) with its box in points from the top left.</summary>
    public static async Task<IReadOnlyList<Word>> Words(byte[] pdf, int page = 1)
    {
        var html = Encoding.UTF8.GetString(await Run("pdftotext", pdf, $"-bbox -f {page} -l {page} {{0}} -"));
        return WordTag().Matches(html).Select(m => new Word(
            System.Net.WebUtility.HtmlDecode(m.Groups[5].Value),
            double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The text of the decoded barcode of <paramref name="format"/> on one page (1-based), or null if none decodes.</summary>
    public static async Task<string?> Decode(byte[] pdf, BarcodeFormat format, int page = 1)
    {
        // 203 dpi without anti-aliasing: the label as a thermal printer prints it (crisp dots), which a scanner then reads.
        var (width, height, gray) = ParsePgm(await Run("pdftoppm", pdf, $"-r 203 -aa no -aaVector no -gray -f {page} -l {page} {{0}}"));
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = false,
            Options = { PossibleFormats = [format], TryHarder = true },
        };
        return reader.Decode(new RGBLuminanceSource(gray, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text
            ?? (format == BarcodeFormat.QR_CODE ? await Zbar(width, height, gray) : null);
    }

    /// <summary>
    /// A second, independent QR decoder (zbarimg, Debian's zbar-tools) where installed: ZXing.Net 0.16.11 fails on a few
    /// valid codes (CGME2681C55D8's, even drawn perfectly from its own matrix) that zbar reads. Null without zbarimg.
    /// </summary>
    private static async Task<string?> Zbar(int width, int height, byte[] gray)
    {
        if (!File.Exists("/usr/bin/zbarimg"))
        {
            return null;
        }

        var image = Path.Combine(Path.GetTempPath(), $"label-{Guid.NewGuid():N}.pgm");
        await File.WriteAllBytesAsync(image, [.. System.Text.Encoding.ASCII.GetBytes($"P5\n{width} {height}\n255\n"), .. gray]);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/zbarimg", $"-q --raw -Sdisable -Sqrcode.enable {image}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? text.TrimEnd('\n') : null;
        }
        finally
        {
            File.Delete(image);
        }
    }

    /// <summary>A binary PGM (P5, 8 bits): its size and one byte per pixel.</summary>
    private static (int Width, int Height, byte[] Gray) ParsePgm(byte[] pgm)
    {
        var position = 0;
        string Next()
        {
            while (char.IsWhiteSpace((char)pgm[position]) || pgm[position] == '#')
            {
                if (pgm[position] == '#')
                {
                    while (pgm[position] != '\n')
                    {
                        position++;
                    }
                }

                position++;
            }

            var start = position;
            while (!char.IsWhiteSpace((char)pgm[position]))
            {
                position++;
            }

            return Encoding.ASCII.GetString(pgm, start, position - start);
        }

        Assert.Equal("P5", Next());
        var width = int.Parse(Next(), CultureInfo.InvariantCulture);
        var height = int.Parse(Next(), CultureInfo.InvariantCulture);
        Assert.Equal("255", Next());
        position++; // the one whitespace before the pixels
        return (width, height, pgm[position..(position + (width * height))]);
    }

    /// <summary>Runs a poppler tool on the PDF (written to a temporary file, <c>{0}</c> in the arguments) and returns its standard output.</summary>
    private static async Task<byte[]> Run(string tool, byte[] pdf, string arguments)
    {
        var file = Path.Combine(Path.GetTempPath(), $"label-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, string.Format(CultureInfo.InvariantCulture, arguments, file))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await copy;
            Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await errors}");
            return output.ToArray();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool)));

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();

    [GeneratedRegex(@"^Page size:\s+([\d.]+) x ([\d.]+) pts", RegexOptions.Multiline)]
    private static partial Regex PageSizeLine();

    [GeneratedRegex("<word xMin=\"([\\d.]+)\" yMin=\"([\\d.]+)\" xMax=\"([\\d.]+)\" yMax=\"([\\d.]+)\">([^<]*)</word>")]
    private static partial Regex WordTag();
}
