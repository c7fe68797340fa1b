using System.Net;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Cargamos.Modular.Api.Tests.Vtex.CarrierClient;

namespace Cargamos.Modular.Api.Tests.TrackingPage;

/// <summary>The API on Kestrel at a free loopback port, so a real browser can open its pages.</summary>
public sealed class KestrelApiFactory : ApiFactory
{
    public KestrelApiFactory() => Settings["Urls"] = "http://127.0.0.1:0";

    protected override bool Kestrel => true;

    protected override string DatabasePrefix => "browser";
}

/// <summary>One headless Debian chromium for a test class (null where it is not installed); no browser is downloaded.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public IBrowser? Browser { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            return;
        }

        playwright = await Playwright.CreateAsync();
        // As root chromium needs --no-sandbox.
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

/// <summary>
/// The tracking page in headless Chromium (Debian's <c>chromium</c>, driven by Playwright without a browser download):
/// every status in es, pt and en with a screenshot each (<c>TestResults/tracking-page/&lt;status&gt;-&lt;lang&gt;.png</c>),
/// what a recipient reads, and an axe-core check with no serious or critical violation (each status once, the 404 page
/// in every language). Skips where chromium is missing.
/// </summary>
public sealed class TrackingPageBrowserTests(KestrelApiFactory api, ChromiumFixture chromium, ITestOutputHelper output)
    : IClassFixture<KestrelApiFactory>, IClassFixture<ChromiumFixture>
{
    private const string Missing = "Debian's chromium is not installed (/usr/bin/chromium): apt-get install -y chromium (.ci/run does it)";

    private static readonly string[] AllStatuses =
        ["CREATED", "PENDING", "ASSIGNED", "PICKED", "ON_ROUTE", "INCIDENT", "RETURNED", "DELIVERED", "CANCELED", "ON_HOLD"];

    public static TheoryData<string> Statuses => new(AllStatuses);

    private static readonly Dictionary<string, Dictionary<string, string>> Labels = new()
    {
        ["es"] = new() { ["CREATED"] = "Registrado", ["PENDING"] = "Confirmado", ["ASSIGNED"] = "Repartidor asignado", ["PICKED"] = "Recolectado",
            ["ON_ROUTE"] = "En camino", ["INCIDENT"] = "Incidencia", ["RETURNED"] = "Devuelto", ["DELIVERED"] = "Entregado",
            ["CANCELED"] = "Cancelado", ["ON_HOLD"] = "En pausa" },
        ["pt"] = new() { ["CREATED"] = "Registrado", ["PENDING"] = "Confirmado", ["ASSIGNED"] = "Entregador designado", ["PICKED"] = "Coletado",
            ["ON_ROUTE"] = "A caminho", ["INCIDENT"] = "Ocorrência", ["RETURNED"] = "Devolvido", ["DELIVERED"] = "Entregue",
            ["CANCELED"] = "Cancelado", ["ON_HOLD"] = "Em espera" },
        ["en"] = new() { ["CREATED"] = "Registered", ["PENDING"] = "Confirmed", ["ASSIGNED"] = "Courier assigned", ["PICKED"] = "Picked up",
            ["ON_ROUTE"] = "On the way", ["INCIDENT"] = "Delivery issue", ["RETURNED"] = "Returned", ["DELIVERED"] = "Delivered",
            ["CANCELED"] = "Canceled", ["ON_HOLD"] = "On hold" },
    };

    private static readonly Dictionary<string, string> AcceptLanguage = new() { ["es"] = "es-MX,es;q=0.9", ["pt"] = "pt-BR,pt;q=0.9", ["en"] = "en-US,en;q=0.9" };

    [SkippableTheory]
    [MemberData(nameof(Statuses))]
    public async Task Each_status_reads_right_in_every_language_and_passes_the_accessibility_check(string status)
    {
        Skip.If(chromium.Browser is null, Missing);
        var trackingId = await ShipmentIn(status);

        var browser = chromium.Browser!;
        // axe-core takes seconds a run on these machines: each status is checked once, the three languages in turn.
        var checkedIn = new[] { "es", "pt", "en" }[Array.IndexOf(AllStatuses, status) % 3];
        foreach (var language in new[] { "es", "pt", "en" })
        {
            var page = await NewPage(browser, language);
            var response = await page.GotoAsync($"{Base}/t/{trackingId}");

            Assert.Equal(200, response!.Status);
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            Assert.Equal(Labels[language][status], (await page.Locator(".status").InnerTextAsync()).Trim());
            var text = await page.Locator("body").InnerTextAsync();
            Assert.Contains("María", text, StringComparison.Ordinal);
            Assert.Contains("Ciudad de México", text, StringComparison.Ordinal);
            Assert.Contains("Servientrega", text, StringComparison.Ordinal);
            foreach (var hidden in new[] { "Pérez", "Orizaba", "06700", "+52", "maria@example.mx" })
            {
                Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
            }

            Assert.True(await page.Locator("ol > li").CountAsync() >= 1);
            await Screenshot(page, $"{status.ToLowerInvariant().Replace('_', '-')}-{language}");
            if (language == checkedIn)
            {
                await AssertAccessible(page, $"{status} in {language}");
            }

            await page.Context.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task The_not_found_page_is_friendly_localized_and_accessible()
    {
        Skip.If(chromium.Browser is null, Missing);

        var browser = chromium.Browser!;
        foreach (var (language, heading) in new[] { ("es", "No encontramos este envío"), ("pt", "Não encontramos esta entrega"), ("en", "We could not find this delivery") })
        {
            var page = await NewPage(browser, language);
            var response = await page.GotoAsync($"{Base}/t/CGM0000000000");

            Assert.Equal(404, response!.Status);
            Assert.Equal(heading, await page.Locator("h1").InnerTextAsync());
            await Screenshot(page, $"not-found-{language}");
            await AssertAccessible(page, $"the 404 page in {language}");
            await page.Context.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task The_language_links_switch_the_page_without_javascript()
    {
        Skip.If(chromium.Browser is null, Missing);
        var trackingId = await ShipmentIn("ON_ROUTE");

        var browser = chromium.Browser!;
        var context = await browser.NewContextAsync(new() { JavaScriptEnabled = false, Locale = "es-MX", ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = AcceptLanguage["es"] } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{Base}/t/{trackingId}");
        Assert.Equal("En camino", (await page.Locator(".status").InnerTextAsync()).Trim());

        await page.GetByRole(AriaRole.Link, new() { Name = "Português" }).ClickAsync();

        Assert.EndsWith($"/t/{trackingId}?lang=pt", page.Url, StringComparison.Ordinal);
        Assert.Equal("A caminho", (await page.Locator(".status").InnerTextAsync()).Trim());
        Assert.Equal("pt", await page.GetAttributeAsync("html", "lang"));
        await context.CloseAsync();
    }

    private string Base => api.ClientOptions.BaseAddress.ToString().TrimEnd('/');

    /// <summary>A phone-sized page (the page is mobile first) in one language, through Accept-Language as a browser sends it.</summary>
    private static async Task<IPage> NewPage(IBrowser browser, string language)
    {
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 1,
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = AcceptLanguage[language] },
        });
        return await context.NewPageAsync();
    }

    private async Task AssertAccessible(IPage page, string what)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var violation in results.Violations)
        {
            output.WriteLine($"{what}: axe {violation.Impact} {violation.Id}: {violation.Help}");
        }

        Assert.True(serious.Count == 0,
            $"{what}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    private static async Task Screenshot(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "TestResults", "tracking-page");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    /// <summary>Where ./test.sh keeps TestResults: the folder holding the solution (the test runs in its bin folder).</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cargamos.Modular.sln")))
            {
                return folder.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    /// <summary>An order integrated through the API (Mexico City: zone, Servientrega) moved by the carrier to <paramref name="status"/>.</summary>
    private async Task<string> ShipmentIn(string status)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk(Orders.Valid());
        var carrier = await api.AsCarrier(ServientregaKey);
        JsonNode[] steps = status switch
        {
            "CREATED" => [],
            "PENDING" => [Status("PENDING")],
            "ASSIGNED" => [Status("PENDING"), Assigned()],
            "PICKED" => [Status("PENDING"), Assigned(), Status("PICKED")],
            "ON_ROUTE" or "INCIDENT" or "RETURNED" or "DELIVERED" => [Status("PENDING"), Assigned(), Status("PICKED"), Status("ON_ROUTE"),
                .. status == "ON_ROUTE" ? Array.Empty<JsonNode>() : [Status(status)]],
            _ => [Status("PENDING")],
        };
        foreach (var step in steps)
        {
            using var moved = await carrier.Patch(Servientrega, trackingId, step);
            Assert.True(moved.StatusCode == HttpStatusCode.OK, $"{step}: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync()}");
        }

        if (status is "CANCELED" or "ON_HOLD")
        {
            using var moved = await carrier.Hook(status == "CANCELED" ? "cancel" : "on-hold", Servientrega, trackingId, new JsonObject
            {
                ["comment"] = "Prueba", ["type"] = status == "CANCELED" ? "END_CLIENT_CANCELED" : "END_CLIENT_PAUSE",
            });
            Assert.True(moved.StatusCode == HttpStatusCode.OK, $"{status}: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync()}");
        }

        return trackingId;
    }

    private static JsonObject Assigned() => new() { ["status"] = "ASSIGNED", ["agent"] = new JsonObject { ["id"] = "pedro1", ["name"] = "Pedro" } };
}
