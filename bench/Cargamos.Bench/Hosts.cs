using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Bench;

/// <summary>The API in this process (TestServer), over the benchmark's database, with the demo data.</summary>
internal sealed class BenchApi(string connectionString) : WebApplicationFactory<Program>
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Cargamos:SeedDemoData", "true");

        // appsettings.json logs at Information (each webhook POST, each lot): the benchmark prints only warnings.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Warning");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}

/// <summary>A shipper's webhook endpoint: Kestrel on 127.0.0.1 (a free port), noting when each shipment's message arrived.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app, ConcurrentDictionary<string, long> received)
    {
        this.app = app;
        Received = received;
    }

    /// <summary>shipmentId -> <see cref="Stopwatch.GetTimestamp"/> at the first receipt.</summary>
    public ConcurrentDictionary<string, long> Received { get; }

    public string Url => $"{app.Urls.First()}/hooks/cargamos";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var received = new ConcurrentDictionary<string, long>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/hooks/cargamos", async (HttpRequest request) =>
        {
            var at = Stopwatch.GetTimestamp();
            using var body = await JsonDocument.ParseAsync(request.Body);
            if (body.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("shipmentId", out var id))
            {
                received.TryAdd(id.GetString()!, at);
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return new WebhookReceiver(app, received);
    }

    /// <summary>A URL on a port nobody listens on (bound, then closed).</summary>
    public static string ClosedPortUrl()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return $"http://127.0.0.1:{port}/hooks/down";
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
