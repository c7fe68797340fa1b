using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>The API as <c>./run.sh --production</c> starts it: the Production environment and only the settings given.</summary>
public sealed class ProductionApiFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(new Capture(Logs)));
    }

    private sealed class Capture(ConcurrentQueue<string> logs) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue($"{logLevel}: {formatter(state, exception)}");

        public void Dispose()
        {
        }
    }
}

/// <summary>A production start refuses each missing or unsafe setting with a message that says what to set.</summary>
public sealed class ProductionModeTests : IAsyncLifetime
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    private const string PublicBaseUrl = "https://api.cargamos.test";
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await TestPostgres.CreateDatabaseAsync("production");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(connectionString);

    public static TheoryData<string, string> Refusals() => new()
    {
        { "no connection string", "set ConnectionStrings:Postgres (environment variable ConnectionStrings__Postgres)" },
        { "no signing key", "No token signing key: set Auth:SigningKey (env Auth__SigningKey)" },
        { "a signing key that is not base64", "Auth:SigningKey is not base64" },
        { "a 16-byte signing key", "Auth:SigningKey must be at least 32 bytes" },
        { "demo data", "Cargamos:SeedDemoData=true is refused in the Production environment" },
        { "no public address", "No public address: set Labels:PublicBaseUrl (env Labels__PublicBaseUrl) in the Production environment" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task It_refuses_to_start_with(string what, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString, ["Auth:SigningKey"] = Key, ["Labels:PublicBaseUrl"] = PublicBaseUrl,
        };
        switch (what)
        {
            case "no connection string":
                settings.Remove("ConnectionStrings:Postgres");
                break;
            case "no signing key":
                settings.Remove("Auth:SigningKey");
                break;
            case "a signing key that is not base64":
                settings["Auth:SigningKey"] = "not base64 at all!";
                break;
            case "a 16-byte signing key":
                settings["Auth:SigningKey"] = Convert.ToBase64String(new byte[16]);
                break;
            case "demo data":
                settings["Cargamos:SeedDemoData"] = "true";
                break;
            case "no public address":
                settings.Remove("Labels:PublicBaseUrl");
                break;
        }

        await using var api = new ProductionApiFactory(settings);

        var refused = Assert.ThrowsAny<Exception>(() => api.Server);
        Assert.Contains(message, refused.GetBaseException().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_both_it_starts_without_demo_data_with_the_webhook_rules_on_and_logs_its_security_settings()
    {
        await using var api = new ProductionApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Auth:SigningKey"] = Key,
            ["Labels:PublicBaseUrl"] = PublicBaseUrl,
        });
        var client = api.CreateClient();

        using var health = await client.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        using var demo = await client.SendAsync(DemoLogin());
        await demo.AssertEnvelope(System.Net.HttpStatusCode.Unauthorized, "UNAUTHORIZED"); // no demo users

        var webhooks = api.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal((true, true), (webhooks.RequireHttps, webhooks.BlockPrivateNetworks));
        var line = Assert.Single(api.Logs, l => l.Contains("Security settings:", StringComparison.Ordinal));
        Assert.Contains("environment Production; demo data off", line, StringComparison.Ordinal);
        Assert.Contains(api.Logs, l => l.Contains("Webhook URL rules: https only True, private networks blocked True", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Logs, l => l.StartsWith("Warning: Webhooks:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Relaxing_a_webhook_rule_is_a_named_setting_and_is_logged_as_a_warning()
    {
        await using var api = new ProductionApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Auth:SigningKey"] = Key,
            ["Labels:PublicBaseUrl"] = PublicBaseUrl,
            ["Webhooks:BlockPrivateNetworks"] = "false",
        });
        _ = api.Server;

        Assert.False(api.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.BlockPrivateNetworks);
        Assert.Contains(api.Logs, l => l.StartsWith("Warning: Webhooks:BlockPrivateNetworks=false", StringComparison.Ordinal));
    }

    private static HttpRequestMessage DemoLogin()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/login?key={DemoUser.Shipper.OrganizationKey}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{DemoUser.Shipper.Email}:{DemoUser.Shipper.Password}")));
        return request;
    }
}
