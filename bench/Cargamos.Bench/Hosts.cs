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
    /// <summary>The token signing key of every API of the run: a token one issues, the other accepts.</summary>
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Cargamos:SeedDemoData", "true");

        // Spreadsheet lots are processed by the API process of their own (ApiProcess), whose memory the lot measures.
        builder.UseSetting("Spreadsheets:ProcessorEnabled", "false");

        // appsettings.json logs at Information (each webhook POST, each lot): the benchmark prints only warnings.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        builder.UseSetting("Logging:LogLevel:System.Net.Http.HttpClient", "Warning");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}

/// <summary>
/// The API in a process of its own (<c>dotnet Cargamos.Modular.Api.dll</c>, Kestrel on a free port of 127.0.0.1), over the
/// benchmark's database (already migrated and seeded by <see cref="BenchApi"/>), with the same signing key: what a
/// deployed API is, without this process's load client, raw baseline and benchmark data in its memory.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private ApiProcess(Process process, HttpClient client)
    {
        Process = process;
        Client = client;
    }

    public Process Process { get; }

    /// <summary>A client of the API process (add the caller's Authorization).</summary>
    public HttpClient Client { get; }

    public static async Task<ApiProcess> StartAsync(string connectionString)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "Cargamos.Modular.Api.dll"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Auth__SigningKey"] = BenchApi.SigningKey;
        start.Environment["Cargamos__SeedDemoData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The API process did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"  [api] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        var api = new ApiProcess(process, client);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The API process exited with {process.ExitCode}.");
            }

            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return api;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                await api.DisposeAsync();
                throw new InvalidOperationException("The API process was not ready within 60 s.");
            }

            await Task.Delay(200);
        }
    }

    private string? operatorToken;

    /// <summary>Methods the API process's JIT compiled so far (its <c>System.Runtime</c> metric at /metrics, for operators).</summary>
    public async Task<long> CompiledMethods() => (long)await Metric("dotnet_jit_compiled_methods");

    /// <summary>Bytes the API process allocated so far.</summary>
    public async Task<long> AllocatedBytes() => (long)await Metric("dotnet_gc_heap_total_allocated_bytes");

    /// <summary>Time the API process's JIT spent compiling so far.</summary>
    public async Task<TimeSpan> JitTime() => TimeSpan.FromSeconds(await Metric("dotnet_jit_compilation_time_seconds"));

    private async Task<double> Metric(string name)
    {
        if (operatorToken is null)
        {
            using var login = new HttpRequestMessage(HttpMethod.Get, "/v1/login?key=cargamos");
            login.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("operator@cargamos.mx:operator-pass"u8.ToArray()));
            using var answer = await Client.SendAsync(login);
            answer.EnsureSuccessStatusCode();
            operatorToken = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("token").GetString();
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorToken);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var metrics = await response.Content.ReadAsStringAsync();
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"The API process's /metrics has no {name}.");
    }

    /// <summary>A port of 127.0.0.1 nobody listens on now (bound, then closed).</summary>
    internal static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
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
    public static string ClosedPortUrl() => $"http://127.0.0.1:{ApiProcess.FreePort()}/hooks/down";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
