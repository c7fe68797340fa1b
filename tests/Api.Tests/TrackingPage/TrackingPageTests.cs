using System.Net;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Api.TrackingPage;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static Cargamos.Modular.Api.Tests.Vtex.CarrierClient;

namespace Cargamos.Modular.Api.Tests.TrackingPage;

/// <summary>The API with a configured public address and no webhook dispatcher (messages stay in the log to be read).</summary>
public sealed class TrackingPageFactory : ApiFactory
{
    public const string PublicBaseUrl = "https://track.cargamos.test";

    public TrackingPageFactory()
    {
        Settings["Labels:PublicBaseUrl"] = PublicBaseUrl + "/";
        Settings["Webhooks:DispatcherEnabled"] = "false";
    }
}

/// <summary>The public tracking page over plain HTTP: contract, headers, languages, what it shows and what it never shows.</summary>
public sealed class TrackingPageTests(TrackingPageFactory api) : IClassFixture<TrackingPageFactory>
{
    [Fact]
    public async Task A_shipment_page_is_html_with_strict_headers_and_only_the_first_name_and_city()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(Orders.Valid());

        using var response = await api.CreateClient().GetAsync($"/t/{trackingId}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPageHeaders(response, "es");
        Assert.Contains("<html lang=\"es\">", html, StringComparison.Ordinal);
        Assert.Contains(trackingId, html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"status s-progress\">Registrado</p>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>María, Ciudad de México</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>Servientrega</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<ol reversed>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        // The order's other recipient data: full name, street and numbers, neighborhood, postal code, reference, phone, email, value.
        foreach (var secret in new[] { "Pérez", "Orizaba", "Depto", "Roma Norte", "06700", "Portón", "55 1234", "maria@", "MXN", "Cuauhtémoc", "zapatos", "tenis" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(null, null, "es", "Registrado")]
    [InlineData("pt-BR,pt;q=0.9,en;q=0.8", null, "pt", "Registrado")]
    [InlineData("en-US,en;q=0.9", null, "en", "Registered")]
    [InlineData("fr-FR, en;q=0.5, pt-PT;q=0.7", null, "pt", "Registrado")]
    [InlineData("es;q=0.2, en;q=0.9", null, "en", "Registered")]
    [InlineData("en;q=0, pt;q=0.1", null, "pt", "Registrado")]
    [InlineData("de-DE, fr;q=0.8", null, "es", "Registrado")]
    [InlineData("*", null, "es", "Registrado")]
    [InlineData("not a ;;; header ===", null, "es", "Registrado")]
    [InlineData("pt-BR", "en", "en", "Registered")]
    [InlineData("en", "PT", "pt", "Registrado")]
    [InlineData("en", "fr", "en", "Registered")]
    public async Task The_language_is_negotiated_among_es_pt_and_en(string? acceptLanguage, string? lang, string expected, string label)
    {
        var (_, trackingId) = await api.Shipment();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/t/{trackingId}" + (lang is null ? "" : $"?lang={lang}"));
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await api.CreateClient().SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPageHeaders(response, expected);
        Assert.Contains($"<html lang=\"{expected}\">", html, StringComparison.Ordinal);
        Assert.Contains($">{label}</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_status_and_the_timeline_are_shown_in_the_recipients_language()
    {
        var (_, trackingId) = await api.Shipment(statuses: [ShipmentStatus.Pending, ShipmentStatus.Assigned, ShipmentStatus.Picked, ShipmentStatus.OnRoute]);

        var es = await Html(trackingId, "es");
        var pt = await Html(trackingId, "pt");
        var en = await Html(trackingId, "en");

        Assert.Contains("<p class=\"status s-progress\">En camino</p>", es, StringComparison.Ordinal);
        Assert.Contains("<p class=\"status s-progress\">A caminho</p>", pt, StringComparison.Ordinal);
        Assert.Contains("<p class=\"status s-progress\">On the way</p>", en, StringComparison.Ordinal);
        // Newest first: on the way, picked up, courier assigned, confirmed, registered.
        Assert.Equal(new[] { "On the way", "Picked up", "Courier assigned", "Confirmed", "Registered" }, Entries(en));
        Assert.Equal(new[] { "En camino", "Recolectado", "Repartidor asignado", "Confirmado", "Registrado" }, Entries(es));
    }

    [Fact]
    public async Task Times_are_in_the_destination_zone_when_it_is_known_and_marked_utc_otherwise()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, zoned) = await shipper.IntegrateOk(Orders.Valid()); // CDMX: zone mx-cdmx, America/Mexico_City
        var (_, unzoned) = await api.Shipment(); // set up without a zone

        var inZone = await Html(zoned, "en");
        var inUtc = await Html(unzoned, "en");

        Assert.Contains("Times in the destination&#x27;s time zone (America/Mexico_City).", inZone, StringComparison.Ordinal);
        Assert.Matches("<time datetime=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d-0[56]:00\">", inZone);
        Assert.Contains("Times in UTC (the destination&#x27;s time zone is not known).", inUtc, StringComparison.Ordinal);
        Assert.Matches("<time datetime=\"[^\"]+\\+00:00\">[^<]+ UTC</time>", inUtc);
    }

    [Fact]
    public async Task The_promised_window_is_the_days_the_contract_promised_at_creation_in_the_recipients_language()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid();
        var (shipmentId, trackingId) = await shipper.IntegrateOk(order);

        // The demo contract promises 1 to 7 days in mx-cdmx from the dropoff day (zone local date).
        // shipperDropoffDate is written with the zone's offset: its clock date is the zone's.
        var dropoffDay = DateOnly.FromDateTime(DateTimeOffset.Parse(order["shipperDropoffDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).DateTime);
        var (earliest, latest) = (dropoffDay.AddDays(1), dropoffDay.AddDays(7));
        await using (var session = api.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            var created = (ShipmentCreated)(await session.Events.FetchStreamAsync(shipmentId))[0].Data;
            Assert.Equal(new DeliveryWindow(earliest, latest), created.Window); // recorded: a later contract does not move it
        }

        static string Day(DateOnly day, string culture) =>
            $"<time datetime=\"{day:yyyy-MM-dd}\">{day.ToString("D", new System.Globalization.CultureInfo(culture))}</time>";
        Assert.Contains($"<dd>Entre el {Day(earliest, "es-MX")} y el {Day(latest, "es-MX")}</dd>", await Html(trackingId, "es"), StringComparison.Ordinal);
        Assert.Contains($"<dd>Entre {Day(earliest, "pt-BR")} e {Day(latest, "pt-BR")}</dd>", await Html(trackingId, "pt"), StringComparison.Ordinal);
        Assert.Contains($"<dd>Between {Day(earliest, "en-US")} and {Day(latest, "en-US")}</dd>", await Html(trackingId, "en"), StringComparison.Ordinal);

        // A shipment recorded before windows were: its promised date, as before.
        var (_, older) = await api.Shipment();
        Assert.Contains("<dt>Promised delivery</dt><dd><time datetime=", await Html(older, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_carrier_and_the_count_of_proofs_of_delivery_are_shown()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(Orders.Valid());
        var carrier = await api.AsCarrier(ServientregaKey);
        foreach (var status in new[] { "PENDING", "ASSIGNED", "PICKED", "ON_ROUTE", "DELIVERED" })
        {
            using var moved = await carrier.Patch(Servientrega, trackingId, Status(status));
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        using var evidences = await carrier.Hook("evidences", Servientrega, trackingId, JsonNode.Parse(
            """[{"type":"IMAGE","content":"https://img.example/1.jpg","author":"Pedro"},{"type":"TEXT","content":"Recibió Juan","author":"Pedro"}]""")!);
        Assert.Equal(HttpStatusCode.OK, evidences.StatusCode);

        var html = await Html(trackingId, "pt");

        Assert.Contains("<p class=\"status s-done\">Entregue</p>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Transportadora</dt><dd>Servientrega</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>Comprovantes de entrega</dt><dd>2</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("img.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Juan", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_id_a_shipment_id_and_an_id_two_shippers_share_get_the_same_friendly_404()
    {
        var shared = Orders.Unique("SHARED");
        var (shipmentId, _) = await api.Shipment("demo-shipper", shared);
        await api.Shipment("other-shipper", shared);

        var unknown = await Get("/t/CGM0000000000", "pt-BR");
        var ambiguous = await Get($"/t/{shared}", "pt-BR");
        var byShipmentId = await Get($"/t/{shipmentId}", "pt-BR");

        foreach (var (response, html) in new[] { unknown, ambiguous, byShipmentId })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            AssertPageHeaders(response, "pt");
            Assert.Contains("<h1>Não encontramos esta entrega</h1>", html, StringComparison.Ordinal);
            Assert.Equal(unknown.Html, html); // nothing tells an unknown id from a shared one
            response.Dispose();
        }

        Assert.DoesNotContain("CGM0000000000", unknown.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_names_and_cities_are_encoded()
    {
        var order = Scenarios.Order() with
        {
            RecipientInformation = new RecipientInformation("<script>alert(1)</script> Pérez", null, null),
            RecipientLocation = Scenarios.Order().RecipientLocation with { City = "<img src=x onerror=alert(2)>\"'&" },
        };
        var trackingId = await Start(order);

        var (response, html) = await Get($"/t/{trackingId}", "es");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("<dd>&lt;script&gt;alert(1)&lt;/script&gt;, &lt;img src=x onerror=alert(2)&gt;&quot;&#x27;&amp;</dd>", html, StringComparison.Ordinal);
        response.Dispose();
    }

    [Fact]
    public async Task The_vtex_service_view_points_at_the_page_until_the_carrier_reports_its_own_url()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(Orders.Valid());
        var carrier = await api.AsCarrier(ServientregaKey);

        var before = await (await carrier.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}")).Data();
        using var patched = await carrier.Patch(Servientrega, trackingId, new JsonObject { ["status"] = "PENDING", ["trackingUrl"] = "https://carrier.example/j/1" });
        var after = await (await carrier.GetAsync($"/tracking/hook/{Servientrega}/{trackingId}")).Data();

        Assert.Equal($"{TrackingPageFactory.PublicBaseUrl}/t/{trackingId}", before.GetProperty("trackingUrl").GetString());
        Assert.Equal("https://carrier.example/j/1", after.GetProperty("trackingUrl").GetString());
    }

    [Fact]
    public async Task Webhook_messages_carry_the_page_on_the_configured_public_address()
    {
        var (_, shipper) = await api.NewShipper();
        await shipper.Register("http://127.0.0.1:9/cargamos", "CREATED");
        var (_, trackingId) = await shipper.IntegrateOk(Orders.Valid());

        var deliveries = await (await shipper.GetAsync("/v1/webhook/deliveries")).Data();

        var payload = Assert.Single(deliveries.GetProperty("items").EnumerateArray()).GetProperty("payload");
        Assert.Equal($"{TrackingPageFactory.PublicBaseUrl}/t/{trackingId}", payload.GetProperty("data").GetProperty("trackingUrl").GetString());
        Assert.Equal($"{TrackingPageFactory.PublicBaseUrl}/t/X%2FY", api.Services.GetRequiredService<ITrackingPages>().Of("X/Y"));
    }

    [Fact]
    public async Task The_page_is_for_people_and_kept_out_of_the_openapi_document()
    {
        var document = await (await api.CreateClient().GetAsync("/openapi/v1.json")).Body();

        Assert.False(document.GetProperty("paths").TryGetProperty("/t/{trackingId}", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/shipment-tracking/{trackingId}", out _));
    }

    private static void AssertPageHeaders(HttpResponseMessage response, string language)
    {
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(TrackingPageEndpoints.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
        Assert.StartsWith("default-src 'none'; style-src 'unsafe-inline'; img-src data:", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("noindex, nofollow", Header(response, "X-Robots-Tag"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(language, string.Join(",", response.Content.Headers.ContentLanguage));
        Assert.Contains("Accept-Language", response.Headers.Vary);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static string[] Entries(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<li><strong>([^<]+)</strong>").Select(m => m.Groups[1].Value).ToArray();

    private async Task<string> Html(string trackingId, string lang)
    {
        var (response, html) = await Get($"/t/{trackingId}?lang={lang}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        response.Dispose();
        return html;
    }

    private async Task<(HttpResponseMessage Response, string Html)> Get(string path, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        var response = await api.CreateClient().SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> Start(DeliveryOrder order)
    {
        var store = api.Services.GetRequiredService<IDocumentStore>();
        var id = Guid.CreateVersion7();
        var trackingId = "CGM" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await using var session = store.LightweightSession();
        session.Events.StartStream<Shipment>(id, ShipmentDecisions.Create(id, trackingId, "demo-shipper", Servientrega, order,
            new Actor(ActorKind.Shipper, "demo-shipper/integrations", null), DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
        return trackingId;
    }
}

/// <summary>The page's own rate limit per client address, answered with a localized 429 page.</summary>
public sealed class TrackingPageThrottlingTests : IAsyncLifetime
{
    private readonly ApiFactory api = new();

    public async Task InitializeAsync()
    {
        api.Settings["RateLimits:TrackingPagePerMinute"] = "2";
        await api.StartAsync();
    }

    public async Task DisposeAsync() => await ((IAsyncLifetime)api).DisposeAsync();

    [Fact]
    public async Task Beyond_the_limit_a_client_gets_a_429_page_with_retry_after()
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", "en");

        using var first = await client.GetAsync("/t/CGM0000000001");
        using var second = await client.GetAsync("/t/CGM0000000002");
        using var third = await client.GetAsync("/t/CGM0000000003");
        var html = await third.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (first.StatusCode, second.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("text/html; charset=utf-8", third.Content.Headers.ContentType?.ToString());
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Contains("<h1>Too many requests</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
    }
}
