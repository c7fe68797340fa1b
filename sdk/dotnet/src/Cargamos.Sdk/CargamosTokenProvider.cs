using System.Globalization;
using System.Text;
using Cargamos.Sdk.Client;
using Cargamos.Sdk.Client.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Cargamos.Sdk;

/// <summary>
/// The bearer token of <c>GET /v1/login</c> (HTTP Basic, <c>?key=</c>), fetched on first use and again when it has less than
/// <see cref="RefreshBefore"/> left (tokens last the <c>expiresIn</c> seconds the login answers, one hour by default). One
/// login at a time, however many requests wait for it.
/// </summary>
public sealed class CargamosTokenProvider : IAccessTokenProvider, IDisposable
{
    /// <summary>A token is replaced when it has less than this left, so a request never leaves with one about to expire.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(2);

    private readonly CargamosApiClient anonymous;
    private readonly CargamosCredentials credentials;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? current;

    internal CargamosTokenProvider(HttpClient http, CargamosCredentials credentials, TimeProvider clock)
    {
        this.credentials = credentials;
        this.clock = clock;
        anonymous = new CargamosApiClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        });
    }

    /// <summary>When the current token expires (null before the first login).</summary>
    public DateTimeOffset? ExpiresAt => current?.ExpiresAt;

    /// <summary>How many times this provider logged in.</summary>
    public int Logins { get; private set; }

    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        if (Valid() is { } token)
        {
            return token;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Valid() ?? await LogInAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the token: the next request logs in again (e.g. after a 401 for a user whose password changed).</summary>
    public void Invalidate() => current = null;

    public void Dispose() => gate.Dispose();

    private string? Valid() => current is { } token && clock.GetUtcNow() < token.ExpiresAt - RefreshBefore ? token.Token : null;

    private async Task<string> LogInAsync(CancellationToken cancellationToken)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}"));
        var answer = await anonymous.V1.Login.GetAsync(request =>
        {
            request.QueryParameters.Key = credentials.OrganizationKey;
            request.Headers.Add("Authorization", $"Basic {basic}");
        }, cancellationToken).ConfigureAwait(false);
        var token = answer?.Data?.Token ?? throw new InvalidOperationException("The login answered no token.");
        var seconds = int.TryParse(answer.Data.ExpiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 3600;
        current = (token, clock.GetUtcNow().AddSeconds(seconds));
        Logins++;
        return token;
    }
}
