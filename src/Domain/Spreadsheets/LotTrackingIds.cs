using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cargamos.Modular.Domain.Spreadsheets;

/// <summary>
/// The trackingId of a spreadsheet row without <c>shipperTrackingId</c>: a fingerprint of the shipper, the file's SHA-256
/// and the row number, in the format of generated trackingIds (<c>CGM</c> + 10 Crockford base32 characters). The same row
/// of the same file always gets the same trackingId, so the unique (shipper, trackingId) index makes a re-upload of the
/// file, or a resumed batch, unable to create that row twice.
/// </summary>
public static class LotTrackingIds
{
    // The alphabet of Integration.TrackingIds: no I, L, O, U.
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string For(string shipperId, string fileSha256, int row)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{shipperId}\n{fileSha256}\n{row}")));
        Span<char> chars = stackalloc char[13];
        "CGM".AsSpan().CopyTo(chars);
        for (var i = 0; i < 10; i++)
        {
            chars[3 + i] = Alphabet[hash[i] & 31];
        }

        return new string(chars);
    }
}
