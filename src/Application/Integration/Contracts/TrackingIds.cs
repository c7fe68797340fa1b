using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// Generated trackingIds: "CGM" + 10 Crockford base32 characters (50 random bits). Upper-case letters and digits
/// only, without I, L, O and U, so they survive being read aloud, typed, and printed as Code128 or QR codes.
/// </summary>
/// <remarks>
/// A spreadsheet row without <c>shipperTrackingId</c> gets <see cref="ForFileRow"/> instead: a fingerprint of the shipper,
/// the file's SHA-256 and the row number, in the same format. The same row of the same file always gets the same
/// trackingId, so the unique (shipper, trackingId) index makes a re-upload of the file, or a resumed batch, unable to
/// create that row twice.
/// </remarks>
public static class TrackingIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        return Format(bytes);
    }

    public static string ForFileRow(string shipperId, string fileSha256, int row) =>
        Format(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{shipperId}\n{fileSha256}\n{row}"))));

    private static string Format(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[13];
        "CGM".AsSpan().CopyTo(chars);
        for (var i = 0; i < 10; i++)
        {
            chars[3 + i] = Alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }
}
