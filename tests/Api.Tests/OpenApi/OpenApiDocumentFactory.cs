using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>
/// The API host without a database, for its OpenAPI document only: no hosted service runs (schema, seeding, workers),
/// and the connection string points nowhere. The document does not depend on data, so it is the one a full host serves.
/// </summary>
public sealed class OpenApiDocumentFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=1");
        builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(new byte[64]));
        builder.UseSetting("Cargamos:SeedDemoData", "false");
        builder.ConfigureServices(services => services.RemoveAll<IHostedService>());
    }

    /// <summary>The document as served, without <c>servers</c> (the host a request came to is no part of the API's description).</summary>
    public async Task<string> Document()
    {
        using var client = CreateClient();
        var document = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        document.Remove("servers");
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";
    }
}

/// <summary>Finds files of the repository from a test's output folder.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Cargamos.Modular.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Cargamos.Modular.sln above {AppContext.BaseDirectory}.");
    }
}
