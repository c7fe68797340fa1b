using ZXing;
using ZXing.Common;
using ZXing.OneD;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace Cargamos.Modular.Infrastructure.Shipments.Labels;

/// <summary>The barcodes of a label as ZXing.Net encodes them: module patterns without quiet zones, drawn by each renderer.</summary>
internal static class LabelBarcodes
{
    /// <summary>The Code 128 bars of <paramref name="text"/>, one entry per module (true: dark).</summary>
    public static bool[] Code128(string text)
    {
        var matrix = new Code128Writer().encode(text, BarcodeFormat.CODE_128, 0, 1,
            new Dictionary<EncodeHintType, object> { [EncodeHintType.MARGIN] = 0 });
        var modules = new bool[matrix.Width];
        for (var x = 0; x < modules.Length; x++)
        {
            modules[x] = matrix[x, 0];
        }

        return modules;
    }

    /// <summary>The QR code of <paramref name="text"/> (error correction M), one cell per module, no quiet zone.</summary>
    public static BitMatrix Qr(string text) =>
        new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, new Dictionary<EncodeHintType, object>
        {
            [EncodeHintType.MARGIN] = 0,
            [EncodeHintType.ERROR_CORRECTION] = ErrorCorrectionLevel.M,
            [EncodeHintType.CHARACTER_SET] = "UTF-8",
        });

    /// <summary>The runs of dark modules of a row: (first module, length).</summary>
    public static IEnumerable<(int Start, int Length)> DarkRuns(Func<int, bool> dark, int count)
    {
        for (var x = 0; x < count;)
        {
            if (!dark(x))
            {
                x++;
                continue;
            }

            var start = x;
            while (x < count && dark(x))
            {
                x++;
            }

            yield return (start, x - start);
        }
    }
}
