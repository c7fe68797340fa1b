using System.Text.RegularExpressions;

namespace Cargamos.Modular.Domain.ReferenceData;

/// <summary>Postal code formats of the countries Cargamos accepts.</summary>
public static partial class PostalCodes
{
    public static readonly IReadOnlyList<string> Countries = ["mx", "co", "us", "br"];

    /// <summary>The canonical form used for coverage ("01310-100" -> "01310100" in Brazil), or null when the format is wrong.</summary>
    public static string? Normalize(string country, string postalCode)
    {
        var code = postalCode.Trim();
        return country switch
        {
            "mx" => FiveDigits().IsMatch(code) ? code : null,
            "co" => SixDigits().IsMatch(code) ? code : null,
            "us" => UsZip().IsMatch(code) ? code[..5] : null,
            "br" => BrCep().IsMatch(code) ? code.Replace("-", "", StringComparison.Ordinal) : null,
            _ => null,
        };
    }

    public static string FormatOf(string country) => country switch
    {
        "mx" => "5 digits (e.g. 06700)",
        "co" => "6 digits (e.g. 110111)",
        "us" => "5 digits or ZIP+4 (e.g. 10001 or 10001-1234)",
        "br" => "8 digits, optionally as 00000-000 (e.g. 01310-100)",
        _ => "unknown",
    };

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();

    [GeneratedRegex("^[0-9]{5}(-[0-9]{4})?$")]
    private static partial Regex UsZip();

    [GeneratedRegex("^[0-9]{5}-?[0-9]{3}$")]
    private static partial Regex BrCep();
}
