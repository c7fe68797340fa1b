using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Cargamos.Modular.Application.TrackingPage;
using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Api.TrackingPage;

/// <summary>
/// The tracking page as one HTML document: no script, no external asset (inline CSS only, so the strict CSP of
/// <see cref="TrackingPageEndpoints"/> holds), mobile first. Every value that comes from data goes through
/// <see cref="Encode"/>; only the fixed texts and markup are written as they are.
/// </summary>
internal static class TrackingPageHtml
{
    // Letters of every script stay readable in the source; markup characters (< > & " ' and more) become entities.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private const string Style = """
        :root{color-scheme:light;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--link:#0b57d0}
        *{box-sizing:border-box}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#f6f8fa;line-height:1.5;font-size:1rem}
        header,main,footer{max-width:40rem;margin:0 auto;padding:0 1rem}
        header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;padding-top:1rem;padding-bottom:.5rem}
        .brand{font-weight:700;font-size:1.25rem;margin:0}
        nav ul{list-style:none;display:flex;gap:.75rem;margin:0;padding:0}
        nav a{color:var(--link);padding:.25rem .125rem}
        nav a[aria-current]{color:var(--ink);font-weight:700;text-decoration:none}
        h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
        h2{font-size:1.125rem;margin:0 0 .5rem}
        section{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:0 0 1rem}
        .id{margin:0 0 1rem}
        .id span+span{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:1.125rem;letter-spacing:.05em;word-break:break-all}
        .status{display:inline-block;font-weight:700;font-size:1.25rem;border-radius:.375rem;padding:.25rem .75rem;margin:0 0 .5rem}
        .s-progress{background:#e8eefc;color:#1a3d8f}
        .s-done{background:#e3f4e8;color:#0f5a2a}
        .s-attention{background:#fff4d6;color:#5c3f00}
        .s-closed{background:#eeeeee;color:#333333}
        dl{margin:0;display:grid;grid-template-columns:1fr;gap:.25rem 1rem}
        dt{color:var(--muted);font-size:.875rem}
        dd{margin:0 0 .5rem}
        ol{margin:0;padding:0;list-style:none}
        ol li{border-left:3px solid var(--line);padding:0 0 .75rem .75rem;margin-left:.25rem}
        ol li:first-child{border-left-color:#1a3d8f}
        ol li strong{display:block}
        time{color:var(--muted);font-size:.875rem}
        dd time{color:var(--ink);font-size:1rem}
        .note,footer{color:var(--muted);font-size:.875rem}
        footer{padding-bottom:2rem}
        @media (min-width:40rem){dl{grid-template-columns:auto 1fr}dd{margin:0}h1{font-size:1.75rem}}
        """;

    /// <summary>The page of one shipment.</summary>
    public static string Page(PublicTracking t, PageLanguage language)
    {
        var texts = PageTexts.Of(language);
        var zone = t.TimeZone is { } id && TryZone(id) is { } found ? found : null;
        var (label, meaning) = texts.Statuses[t.Status];
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <h1>{Encode(texts.Title)}</h1>
            <p class="id"><span class="note">{Encode(texts.TrackingNumber)}:</span> <span>{Encode(t.TrackingId)}</span></p>
            <section aria-labelledby="status-heading">
            <h2 id="status-heading">{Encode(texts.StatusHeading)}</h2>
            <p class="status {StatusClass(t.Status)}">{Encode(label)}</p>
            <p>{Encode(meaning)}</p>
            </section>
            <section aria-labelledby="details-heading">
            <h2 id="details-heading">{Encode(texts.DetailsHeading)}</h2>
            <dl>

            """);
        var recipient = string.Join(", ", new[] { t.RecipientFirstName, t.City }.OfType<string>());
        if (recipient.Length > 0)
        {
            body.Append(CultureInfo.InvariantCulture, $"<dt>{Encode(texts.For)}</dt><dd>{Encode(recipient)}</dd>\n");
        }

        if (t.Window is { } window)
        {
            // The days promised at creation, as the recipient plans for them (zone local dates).
            var days = window.Earliest == window.Latest
                ? Day(window.Earliest, language)
                : string.Format(language.Culture, Encode(texts.Between), Day(window.Earliest, language), Day(window.Latest, language));
            body.Append(CultureInfo.InvariantCulture, $"<dt>{Encode(texts.PromisedDelivery)}</dt><dd>{days}</dd>\n");
        }
        else if (t.PromisedDate is { } promised)
        {
            var local = Local(promised, zone);
            var by = string.Format(language.Culture, texts.By, Clock(local, language, zone));
            body.Append(CultureInfo.InvariantCulture,
                $"<dt>{Encode(texts.PromisedDelivery)}</dt><dd>{Time(local, $"{local.ToString("D", language.Culture)}, {by}")}</dd>\n");
        }

        if (t.CarrierName is { } carrier)
        {
            body.Append(CultureInfo.InvariantCulture, $"<dt>{Encode(texts.Carrier)}</dt><dd>{Encode(carrier)}</dd>\n");
        }

        body.Append(CultureInfo.InvariantCulture, $"""
            <dt>{Encode(texts.Evidences)}</dt><dd>{t.EvidencesCount.ToString(language.Culture)}</dd>
            <dt>{Encode(texts.LastUpdate)}</dt><dd>{Time(Local(t.UpdatedAt, zone), Format(Local(t.UpdatedAt, zone), language, zone))}</dd>
            </dl>
            </section>
            <section aria-labelledby="history-heading">
            <h2 id="history-heading">{Encode(texts.TimelineHeading)}</h2>
            <ol reversed>

            """);
        foreach (var change in t.Timeline.Reverse())
        {
            var at = Local(change.At, zone);
            body.Append(CultureInfo.InvariantCulture,
                $"<li><strong>{Encode(texts.Statuses[change.Status].Label)}</strong> {Time(at, Format(at, language, zone))}</li>\n");
        }

        body.Append(CultureInfo.InvariantCulture, $"""
            </ol>
            </section>
            <p class="note">{Encode(zone is null ? texts.TimesInUtc : string.Format(CultureInfo.InvariantCulture, texts.TimesIn, zone.Id))}</p>

            """);
        return Document(language, $"{label} · {t.TrackingId}", body.ToString());
    }

    /// <summary>The friendly 404: the same for an unknown id and for one that matches several shipments.</summary>
    public static string NotFound(PageLanguage language)
    {
        var texts = PageTexts.Of(language);
        return Document(language, texts.NotFoundTitle, $"""
            <h1>{Encode(texts.NotFoundTitle)}</h1>
            <section><p>{Encode(texts.NotFoundText)}</p></section>

            """);
    }

    /// <summary>The 429 page of the tracking page's rate limit.</summary>
    public static string TooMany(PageLanguage language, TimeSpan wait)
    {
        var texts = PageTexts.Of(language);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(language.Culture);
        return Document(language, texts.TooManyTitle, $"""
            <h1>{Encode(texts.TooManyTitle)}</h1>
            <section><p>{Encode(string.Format(CultureInfo.InvariantCulture, texts.TooManyText, seconds))}</p></section>

            """);
    }

    /// <summary>
    /// The page's own answer to an error the API answers in its envelope elsewhere: 503 (the database is out, the API is
    /// shedding load: come back in <paramref name="retryAfter"/>) or a failure (with the request's processId to quote).
    /// </summary>
    public static string Unavailable(PageLanguage language, TimeSpan? retryAfter, string processId)
    {
        var texts = PageTexts.Of(language);
        var text = retryAfter is { } wait
            ? string.Format(CultureInfo.InvariantCulture, texts.UnavailableText, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(language.Culture))
            : string.Format(CultureInfo.InvariantCulture, texts.FailedText, processId);
        return Document(language, texts.UnavailableTitle, $"""
            <h1>{Encode(texts.UnavailableTitle)}</h1>
            <section><p>{Encode(text)}</p></section>

            """);
    }

    public static string Encode(string value) => Encoder.Encode(value);

    private static string Document(PageLanguage language, string title, string main)
    {
        var texts = PageTexts.Of(language);
        var languages = string.Concat(PageLanguage.All.Select(l =>
            $"<li><a href=\"?lang={l.Code}\" hreflang=\"{l.Code}\" lang=\"{l.Code}\"{(l == language ? " aria-current=\"page\"" : "")}>{Name(l)}</a></li>"));
        return $"""
            <!DOCTYPE html>
            <html lang="{language.Code}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <meta name="referrer" content="no-referrer">
            <title>{Encode(title)} · Cargamos</title>
            <style>{Style}</style>
            </head>
            <body>
            <header>
            <p class="brand">Cargamos</p>
            <nav aria-label="{Encode(texts.LanguageNavigation)}"><ul>{languages}</ul></nav>
            </header>
            <main>
            {main}</main>
            <footer><p>Cargamos</p></footer>
            </body>
            </html>

            """;
    }

    private static string Name(PageLanguage language) => language.Code switch
    {
        "pt" => "Português",
        "en" => "English",
        _ => "Español",
    };

    private static string StatusClass(ShipmentStatus status) => status switch
    {
        ShipmentStatus.Delivered => "s-done",
        ShipmentStatus.Incident or ShipmentStatus.OnHold => "s-attention",
        ShipmentStatus.Canceled or ShipmentStatus.Returned => "s-closed",
        _ => "s-progress",
    };

    private static string Format(DateTimeOffset at, PageLanguage language, TimeZoneInfo? zone) =>
        $"{at.ToString("D", language.Culture)}, {Clock(at, language, zone)}";

    /// <summary>The time of day; marked UTC when the destination's zone is unknown.</summary>
    private static string Clock(DateTimeOffset at, PageLanguage language, TimeZoneInfo? zone) =>
        zone is null ? $"{at.ToString("t", language.Culture)} UTC" : at.ToString("t", language.Culture);

    /// <summary>A <c>time</c> element: the machine-readable instant with its offset, the text as shown.</summary>
    private static string Time(DateTimeOffset at, string text) =>
        $"<time datetime=\"{at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}\">{Encode(text)}</time>";

    /// <summary>A <c>time</c> element for a day: the ISO date, the language's long date as shown.</summary>
    private static string Day(DateOnly day, PageLanguage language) =>
        $"<time datetime=\"{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\">{Encode(day.ToString("D", language.Culture))}</time>";

    private static DateTimeOffset Local(DateTimeOffset at, TimeZoneInfo? zone) =>
        zone is null ? at.ToUniversalTime() : TimeZoneInfo.ConvertTime(at, zone);

    private static TimeZoneInfo? TryZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
