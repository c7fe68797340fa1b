using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cargamos.Modular.Application.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>What one attempt gave: the HTTP status (null when no answer came), a <c>Retry-After</c>, what went wrong.</summary>
internal sealed record SendResult(int? Status, TimeSpan? RetryAfter, string? Error, int DurationMs)
{
    public bool Delivered => Status is >= 200 and < 300;

    public bool Gone => Status == 410;
}

/// <summary>
/// One signed POST of a message (Standard Webhooks headers). No retries here: the durable schedule of the dispatcher is the
/// only retry policy; redirects are not followed (a 3xx is a failed attempt) and no proxy is used, so the address checked
/// for SSRF is the address connected to.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string ClientName = "cargamos-webhooks";
    private const int MaxErrorBody = 200;

    public static void AddHttpClient(IServiceCollection services) =>
        services.AddHttpClient(ClientName, client =>
            {
                // Each attempt has its own timeout (Webhooks:Timeout), so a shutdown is not mistaken for a slow receiver.
                client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Cargamos-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var webhookOptions = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    ConnectTimeout = webhookOptions.Timeout,
                };
                if (webhookOptions.BlockPrivateNetworks == true)
                {
                    handler.ConnectCallback = ConnectToPublicAddress;
                }

                return handler;
            });

    public async Task<SendResult> Send(string url, string id, string body, IReadOnlyList<string> secrets, CancellationToken stopping)
    {
        var timeout = options.Value.Timeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        attempt.CancelAfter(timeout);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Header(secrets, id, timestamp, body));

        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var status = (int)response.StatusCode;
            string? error = null;
            if (status is < 200 or >= 300)
            {
                var snippet = await Snippet(response, attempt.Token);
                error = $"HTTP {status} {response.ReasonPhrase}".TrimEnd() + (snippet.Length > 0 ? $": {snippet}" : "");
            }

            return new SendResult(status, RetryAfter(response), error, Elapsed(watch));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new SendResult(null, null, $"No answer within {timeout.TotalSeconds:0.###} s (timeout).", Elapsed(watch));
        }
        catch (HttpRequestException e)
        {
            return new SendResult(null, null, Describe(e), Elapsed(watch));
        }
    }

    private static int Elapsed(Stopwatch watch) => (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);

    private static string Describe(HttpRequestException e)
    {
        var message = e.InnerException is HttpRequestException refused ? refused.Message : e.Message;
        var socket = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        return $"{e.HttpRequestError}: {message}" + (socket is null ? "" : $" ({socket.SocketErrorCode})");
    }

    private static async Task<string> Snippet(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBody * 4];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            var text = Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" ").Trim();
            return text.Length > MaxErrorBody ? text[..MaxErrorBody] + "…" : text;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    /// <summary><c>Retry-After</c> in seconds or as an HTTP date, on 429 and 503 only.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - clock.GetUtcNow() : null);
        return delay is { } d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
    }

    /// <summary>Connects only to public addresses, checked when connecting (a DNS answer that changed since registration cannot reach inside).</summary>
    private static async ValueTask<Stream> ConnectToPublicAddress(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        foreach (var address in addresses)
        {
            if (WebhookAddressRules.WhyBlocked(address) is { } why)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Refused to connect: '{host}' resolves to {address}, {why}.");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
