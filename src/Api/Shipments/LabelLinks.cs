using System.Security.Cryptography;
using Cargamos.Modular.Application.Shipments.Contracts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Cargamos.Modular.Api.Shipments;

/// <summary>Configuration section <c>Labels</c> (docs/shipments.md#labels).</summary>
internal sealed class LabelOptions
{
    public const string Section = "Labels";

    /// <summary>
    /// The API's public address, e.g. <c>https://api.cargamos.mx</c>: the base of the tracking page a label's QR code
    /// encodes and of the label links given to VTEX. Unset: the scheme and host of the request being answered.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a signed label link downloads the label.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    public static IServiceCollection Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LabelOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Labels:LinkLifetime must be positive.")
            .Validate(o => o.PublicBaseUrl is null
                           || (Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                               && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)),
                "Labels:PublicBaseUrl must be an absolute http(s) URL without query or fragment, e.g. https://api.cargamos.mx.")
            .ValidateOnStart();
        services.AddSingleton<ILabelLinks, LabelLinks>();
        services.AddSingleton<ITrackingPages>(provider => new TrackingPages(
            provider.GetRequiredService<IOptions<LabelOptions>>().Value.PublicBaseUrl, configuration[WebHostDefaults.ServerUrlsKey]));
        return services;
    }

    /// <summary>The listening address <c>Program</c> uses when <c>Urls</c> is not set.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";
}

/// <summary>
/// The tracking page address written into webhook messages and the VTEX service view: <c>Labels:PublicBaseUrl</c>
/// (required by a production start, <c>SecuritySettings</c>), else the first address the API listens on, a wildcard
/// host read as 127.0.0.1 (Development and Testing). Never a request's <c>Host</c>, which its caller chooses.
/// </summary>
internal sealed class TrackingPages(string? publicBaseUrl, string? urls) : ITrackingPages
{
    private readonly string baseUrl = (publicBaseUrl ?? Listening(urls)).TrimEnd('/');

    public string Of(string trackingId) => $"{baseUrl}/t/{Uri.EscapeDataString(trackingId)}";

    private static string Listening(string? urls)
    {
        var first = (urls ?? LabelOptions.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? LabelOptions.DefaultUrl;
        // Kestrel's wildcards (http://*:8080, http://+:8080, 0.0.0.0, [::]) are no address a recipient can open.
        var wildcard = System.Text.RegularExpressions.Regex.Match(first, @"^(https?://)(\*|\+|0\.0\.0\.0|\[::\])(:\d+)?(/.*)?$");
        return wildcard.Success ? $"{wildcard.Groups[1].Value}127.0.0.1{wildcard.Groups[3].Value}{wildcard.Groups[4].Value}" : first;
    }
}

/// <summary>
/// The label links: the tracking page on the public address, and anonymous label links whose token is the shipmentId
/// protected by ASP.NET Core Data Protection (encrypted and authenticated, with an expiry) under the key ring every
/// node shares, so any node serves a link any node gave.
/// </summary>
internal sealed class LabelLinks(IHttpContextAccessor accessor, IDataProtectionProvider protection, IOptions<LabelOptions> options) : ILabelLinks
{
    public const string Purpose = "Cargamos.Modular.Labels.Link.v1";

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    public string TrackingPage(string trackingId) => $"{BaseUrl()}/t/{Uri.EscapeDataString(trackingId)}";

    public string Label(Guid shipmentId, LabelFormat format) =>
        $"{BaseUrl()}/v1/labels/{protector.Protect(shipmentId.ToString("N"), options.Value.LinkLifetime)}.{LabelMedia.Extension(format)}";

    public Guid? ShipmentOf(string token)
    {
        try
        {
            return Guid.TryParseExact(protector.Unprotect(token), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            // Altered, expired, or protected with a key this ring never had.
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private string BaseUrl()
    {
        if (options.Value.PublicBaseUrl is { } configured)
        {
            return configured.TrimEnd('/');
        }

        var request = (accessor.HttpContext ?? throw new InvalidOperationException("Labels:PublicBaseUrl is not set and no request is in progress.")).Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}

/// <summary>How a label format travels over HTTP: its media type and file extension, and its name in requests.</summary>
internal static class LabelMedia
{
    public const string Pdf = "application/pdf";

    /// <summary>ZPL is UTF-8 text (<c>^CI28</c>); no media type is registered for it, text/plain shows it in a browser and saves it as is.</summary>
    public const string Zpl = "text/plain; charset=utf-8";

    public static string ContentType(LabelFormat format) => format == LabelFormat.Zpl ? Zpl : Pdf;

    public static string Extension(LabelFormat format) => format == LabelFormat.Zpl ? "zpl" : "pdf";

    /// <summary>"pdf" or "zpl" (any case); null: pdf.</summary>
    public static LabelFormat Parse(string? value, string parameter, string location) => value?.ToLowerInvariant() switch
    {
        null or "pdf" => LabelFormat.Pdf,
        "zpl" => LabelFormat.Zpl,
        _ => throw Application.Common.Errors.AppError.InvalidParameter($"'{value}' is not a label format; permitted: 'pdf', 'zpl'.", parameter, location),
    };
}
