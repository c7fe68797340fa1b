using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Cargamos.Modular.Api.TrackingPage;

/// <summary>
/// The three languages of the tracking page. Spanish is the default: Cargamos delivers in Mexico first, and a
/// recipient whose browser asks for none of the three is most likely there (docs/tracking-page.md#language).
/// </summary>
internal sealed record PageLanguage(string Code, CultureInfo Culture)
{
    public static readonly PageLanguage Spanish = new("es", CultureInfo.GetCultureInfo("es-MX"));
    public static readonly PageLanguage Portuguese = new("pt", CultureInfo.GetCultureInfo("pt-BR"));
    public static readonly PageLanguage English = new("en", CultureInfo.GetCultureInfo("en-US"));

    public static readonly IReadOnlyList<PageLanguage> All = [Spanish, Portuguese, English];

    public static PageLanguage Default => Spanish;

    /// <summary>
    /// <c>?lang=es|pt|en</c> when given and known; else the <c>Accept-Language</c> entry with the highest q-value whose
    /// primary subtag is one of ours (<c>pt-PT</c> is Portuguese, <c>*</c> the default; the earlier entry wins a tie;
    /// <c>q=0</c> refuses); else Spanish.
    /// </summary>
    public static PageLanguage Negotiate(string? requested, HttpRequest request)
    {
        if (Find(requested) is { } chosen)
        {
            return chosen;
        }

        IList<StringWithQualityHeaderValue> accepted;
        try
        {
            accepted = request.GetTypedHeaders().AcceptLanguage;
        }
        catch (FormatException)
        {
            return Default;
        }

        PageLanguage? best = null;
        var bestQuality = 0.0;
        foreach (var entry in accepted)
        {
            var quality = entry.Quality ?? 1.0;
            var tag = entry.Value.Value ?? "";
            var language = tag == "*" ? Default : Find(tag.Split('-', 2)[0]);
            if (language is not null && quality > bestQuality)
            {
                (best, bestQuality) = (language, quality);
            }
        }

        return best ?? Default;
    }

    private static PageLanguage? Find(string? code) =>
        code is null ? null : All.FirstOrDefault(l => string.Equals(l.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));
}
