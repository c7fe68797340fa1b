using PdfSharp.Fonts;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

/// <summary>
/// PDFsharp's font resolver for labels: DejaVu Sans, regular and bold, embedded in this assembly (Fonts/, with its
/// licence) so a label renders the same on a machine with no fonts installed and covers accented Latin (ñ, ã, é).
/// Every family name resolves to it. PDFsharp takes one resolver per process, set before its first font.
/// </summary>
internal sealed class LabelFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, byte[]> Faces = new(StringComparer.Ordinal)
    {
        [Regular] = Load(Regular),
        [Bold] = Load(Bold),
    };

    /// <summary>Installs the resolver once per process (PDFsharp refuses a second one once fonts were used).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new LabelFonts();
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Bold : Regular, false, isItalic);

    public byte[]? GetFont(string faceName) => Faces.GetValueOrDefault(faceName);

    private static byte[] Load(string face)
    {
        using var stream = typeof(LabelFonts).Assembly.GetManifestResourceStream($"Cargamos.Modular.Infrastructure.Labels.Fonts.{face}.ttf")
            ?? throw new InvalidOperationException($"The font {face}.ttf is not embedded in {typeof(LabelFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
