using System.Security.Cryptography;

namespace Cargamos.Modular.Domain.Integration;

/// <summary>
/// Generated trackingIds: "CGM" + 10 Crockford base32 characters (50 random bits). Upper-case letters and digits
/// only, without I, L, O and U, so they survive being read aloud, typed, and printed as Code128 or QR codes.
/// </summary>
public static class TrackingIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[10];
        RandomNumberGenerator.Fill(bytes);
        return Format(bytes);
    }

    /// <summary>A trackingId in the same format made from the first 10 bytes of <paramref name="bytes"/> (a fingerprint).</summary>
    public static string Format(ReadOnlySpan<byte> bytes)
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
