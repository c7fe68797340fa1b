using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cargamos.Modular.Domain.Integration;

namespace Cargamos.Modular.Domain.Spreadsheets;

/// <summary>
/// The trackingId of a spreadsheet row without <c>shipperTrackingId</c>: a fingerprint of the shipper, the file's SHA-256
/// and the row number, in the format of a generated trackingId. The same row of the same file always gets the same
/// trackingId, so the unique (shipper, trackingId) index makes a re-upload of the file, or a resumed batch, unable to
/// create that row twice. A different file (one byte changed) is a different file: its rows are new orders.
/// </summary>
public static class FileRowTrackingIds
{
    public static string For(string shipperId, string fileSha256, int row) =>
        TrackingIds.Format(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{shipperId}\n{fileSha256}\n{row}"))));
}
