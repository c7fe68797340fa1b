using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>
/// The API over its own fresh PostgreSQL database (one per test class), demo accounts loaded. A subclass may instead run over
/// an existing database (a second API process taking over what a first one left); only the factory that created a database
/// drops it. <see cref="Settings"/> adds to or overrides the test configuration.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    // One key for every host: a token from one API process is valid in another over the same database.
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    private readonly string? existingDatabase;
    private string? connectionString;

    public ApiFactory()
    {
    }

    protected ApiFactory(string existingDatabase) => this.existingDatabase = existingDatabase;

    public string ConnectionString => connectionString ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Settings added to (or overriding) the test defaults.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected virtual string DatabasePrefix => "api";

    /// <summary>Serve on Kestrel at a free loopback port (for a real browser) instead of the in-memory test server.</summary>
    protected virtual bool Kestrel => false;

    /// <summary>Starts a factory created outside xunit's fixtures (e.g. a second process on the same database).</summary>
    public Task StartAsync() => InitializeAsync();

    public async Task InitializeAsync()
    {
        connectionString = existingDatabase ?? await TestPostgres.CreateDatabaseAsync(DatabasePrefix);
        if (Kestrel)
        {
            UseKestrel(0);
            StartServer(); // ClientOptions.BaseAddress becomes the real address
        }
        else
        {
            _ = Server; // start the host now: schema and demo data are ready before the first test
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (existingDatabase is null && connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Cargamos:SeedDemoData", "true");

        // Tests log in and take carrier tokens far more often than a client would (ThrottlingTests sets real limits).
        builder.UseSetting("RateLimits:LoginPerMinute", "100000");
        builder.UseSetting("RateLimits:TokenPerMinute", "100000");
        builder.UseSetting("RateLimits:TrackingPagePerMinute", "100000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(ConfigureTestServices);
    }

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public async Task<HttpClient> LoginAs(DemoUser user)
    {
        var client = CreateClient();
        var token = await Login(client, user.OrganizationKey, user.Email, user.Password);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> Login(HttpClient client, string key, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/login?key={Uri.EscapeDataString(key)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("data").GetProperty("token").GetString()!;
    }
}

public sealed record DemoUser(string OrganizationKey, string Email, string Password)
{
    public static readonly DemoUser Shipper = new("demo-shipper", "integrations@demo-shipper.mx", "demo-shipper-pass");
    public static readonly DemoUser OtherShipper = new("other-shipper", "integrations@other-shipper.mx", "other-shipper-pass");
    public static readonly DemoUser Auditor = new("cargamos", "auditor@cargamos.mx", "auditor-pass");
    public static readonly DemoUser Operator = new("cargamos", "operator@cargamos.mx", "operator-pass");
}
