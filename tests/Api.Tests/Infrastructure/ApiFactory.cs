using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>The API over its own fresh PostgreSQL database (one per test class), demo accounts loaded.</summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    private string? connectionString;

    public string ConnectionString => connectionString ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("api");
        _ = Server; // start the host now: schema and demo data are ready before the first test
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (connectionString is not null)
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
