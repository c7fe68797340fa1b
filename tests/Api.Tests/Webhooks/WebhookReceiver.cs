using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>How the receiver answers one request: a status, an optional Retry-After, a delay first, or a dropped connection.</summary>
public sealed record Answer(int Status = 200, string? RetryAfter = null, TimeSpan Delay = default, bool Drop = false)
{
    public static readonly Answer Ok = new();
}

/// <summary>One request as the receiver got it, with the answer it gave (0 when it dropped the connection).</summary>
public sealed record ReceivedRequest(string? Id, string? Timestamp, string? Signature, string Body, DateTimeOffset At, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public JsonElement Data => Json.GetProperty("data");

    public string? State => Data.TryGetProperty("state", out var state) ? state.GetString() : null;

    public bool Succeeded => Answered is >= 200 and < 300;
}

/// <summary>
/// A real HTTP endpoint for webhooks: Kestrel in the test process on 127.0.0.1 (a free port), recording every request and
/// answering as <see cref="Respond"/> says (200 by default). It can be stopped and started again on the same port.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> requests = new();
    private readonly ConcurrentQueue<Answer> script = new();
    private WebApplication? app;
    private int port;
    private int inFlight;
    private int maxInFlight;

    /// <summary>The answer to a request, given the request and how many requests came before it; used once the script is empty.</summary>
    public Func<ReceivedRequest, int, Answer> Respond { get; set; } = (_, _) => Answer.Ok;

    public string Url => $"http://127.0.0.1:{port}/hooks/cargamos";

    public IReadOnlyList<ReceivedRequest> Requests => requests.ToArray();

    /// <summary>Requests being handled right now (received, not yet answered).</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>The most requests that were being handled at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref maxInFlight);

    /// <summary>The successfully answered requests, one per webhook-id (the first), in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Delivered =>
        requests.Where(r => r.Succeeded).GroupBy(r => r.Id).Select(g => g.First()).OrderBy(r => r.At).ToList();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.Listen(0);
        return receiver;
    }

    /// <summary>The next requests get these answers, in order.</summary>
    public void Script(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public Task RestartAsync() => Listen(port);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task Listen(int onPort)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "WebhookReceiver" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{onPort}");
        var web = builder.Build();
        web.MapPost("/hooks/cargamos", Handle);
        await web.StartAsync();
        port = new Uri(web.Urls.First()).Port;
        app = web;
    }

    private async Task Handle(HttpContext http)
    {
        var now = Interlocked.Increment(ref inFlight);
        for (var max = maxInFlight; now > max; max = maxInFlight)
        {
            Interlocked.CompareExchange(ref maxInFlight, now, max);
        }

        try
        {
            await Reply(http);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private async Task Reply(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = http.Request.Headers;
        var request = new ReceivedRequest(headers["webhook-id"].FirstOrDefault(), headers["webhook-timestamp"].FirstOrDefault(),
            headers["webhook-signature"].FirstOrDefault(), body, DateTimeOffset.UtcNow, 0);
        var answer = script.TryDequeue(out var scripted) ? scripted : Respond(request, requests.Count);
        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay);
        }

        if (answer.Drop)
        {
            requests.Enqueue(request);
            http.Abort();
            return;
        }

        requests.Enqueue(request with { Answered = answer.Status });
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            http.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        await http.Response.WriteAsync(answer.Status is >= 200 and < 300 ? "ok" : $"answer {answer.Status.ToString(CultureInfo.InvariantCulture)}");
    }
}
