using System.Globalization;
using System.Text;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// VTEX sends a country as whatever the store configured: an ISO 3166 alpha-2 or alpha-3 code, or a name in
/// English, Spanish or Portuguese. This maps the values of the four countries Cargamos serves to our codes
/// (mx, co, us, br), ignoring case, accents, dots and extra spaces. Anything else is not a country we deliver to.
/// </summary>
internal static class VtexCountries
{
    private static readonly (string Code, string[] Values)[] Known =
    [
        ("mx", ["MX", "MEX", "Mexico", "Méjico", "Estados Unidos Mexicanos", "United Mexican States"]),
        ("co", ["CO", "COL", "Colombia", "República de Colombia", "Republic of Colombia"]),
        ("us", ["US", "USA", "United States", "United States of America", "Estados Unidos",
            "Estados Unidos de América", "EE. UU.", "EEUU", "EUA"]),
        ("br", ["BR", "BRA", "Brazil", "Brasil", "República Federativa do Brasil", "Federative Republic of Brazil"]),
    ];

    private static readonly Dictionary<string, string> ByKey = Known
        .SelectMany(k => k.Values.Select(v => (Key: Key(v), k.Code)))
        .DistinctBy(x => x.Key) // "México" and "Mexico" are one key
        .ToDictionary(x => x.Key, x => x.Code, StringComparer.Ordinal);

    /// <summary>What the error message lists as accepted.</summary>
    public const string Accepted =
        "Mexico (MX, MEX, México), Colombia (CO, COL, Colômbia), United States (US, USA, Estados Unidos) and Brazil (BR, BRA, Brasil), " +
        "as ISO 3166 alpha-2 or alpha-3 codes or names in English, Spanish or Portuguese (case and accents ignored)";

    /// <summary>Our country code (mx, co, us, br) for a VTEX country value, or null when we do not deliver there.</summary>
    public static string? ToCode(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : ByKey.GetValueOrDefault(Key(value));

    public static string NotAccepted(string? value) =>
        $"'{value?.Trim()}' is not a country Cargamos delivers to; accepted: {Accepted}.";

    /// <summary>Upper-case, without accents, dots or repeated spaces (so "U.S.A." is "USA"): "  méxico " and "MEXICO" are the same key.</summary>
    private static string Key(string value)
    {
        var decomposed = value.Trim().Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        var lastWasSpace = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark || c == '.')
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace && key.Length > 0)
                {
                    key.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            key.Append(char.ToUpperInvariant(c));
            lastWasSpace = false;
        }

        return key.ToString().TrimEnd();
    }
}
