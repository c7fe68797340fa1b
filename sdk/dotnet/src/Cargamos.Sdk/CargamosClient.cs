using Cargamos.Sdk.Client;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Cargamos.Sdk;

/// <summary>The login of a Cargamos user: the organization key, the user's email and password.</summary>
public sealed record CargamosCredentials(string OrganizationKey, string User, string Password);

/// <summary>
/// The Cargamos API: <see cref="Api"/> is the client generated from the OpenAPI document, sending the bearer token of
/// <see cref="Tokens"/> (logged in on first use, refreshed before it expires) over an <see cref="HttpClient"/> whose pipeline
/// adds an <c>Idempotency-Key</c> to every new delivery order and retries 429/503 answers after their <c>Retry-After</c>.
/// </summary>
public sealed class CargamosClient : IDisposable
{
    private readonly HttpClient? ownedHttpClient;

    private CargamosClient(HttpClient http, CargamosCredentials credentials, TimeProvider clock, bool ownsHttpClient)
    {
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the API's root, e.g. https://api.cargamos.mx.", nameof(http));
        }

        ownedHttpClient = ownsHttpClient ? http : null;
        Tokens = new CargamosTokenProvider(http, credentials, clock);
        var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(Tokens), httpClient: http)
        {
            BaseUrl = http.BaseAddress.ToString().TrimEnd('/'),
        };
        Api = new CargamosApiClient(adapter);
    }

    /// <summary>The generated client: <c>Api.V1.DeliveryOrders.PostAsync(...)</c>, <c>Api.V1.ShipmentTracking[id].GetAsync()</c>, ...</summary>
    public CargamosApiClient Api { get; }

    /// <summary>The bearer token: logs in with the credentials when needed.</summary>
    public CargamosTokenProvider Tokens { get; }

    /// <summary>A client of the API at <paramref name="baseUrl"/>, with its own <see cref="HttpClient"/> and <see cref="Handlers"/>.</summary>
    public static CargamosClient Create(Uri baseUrl, CargamosCredentials credentials, TimeProvider? clock = null) =>
        new(new HttpClient(CreateHandler()) { BaseAddress = baseUrl }, credentials, clock ?? TimeProvider.System, ownsHttpClient: true);

    /// <summary>
    /// A client over an <see cref="HttpClient"/> you configure (IHttpClientFactory, a proxy, a test server): give it a
    /// <c>BaseAddress</c> and the <see cref="Handlers"/> in its pipeline.
    /// </summary>
    public static CargamosClient Create(HttpClient http, CargamosCredentials credentials, TimeProvider? clock = null) =>
        new(http, credentials, clock ?? TimeProvider.System, ownsHttpClient: false);

    /// <summary>Kiota's default handlers (retry after Retry-After, redirects, compression, ...) and the <see cref="IdempotencyKeyHandler"/>.</summary>
    public static IList<DelegatingHandler> Handlers()
    {
        var handlers = KiotaClientFactory.CreateDefaultHandlers();
        handlers.Add(new IdempotencyKeyHandler());
        return handlers;
    }

    /// <summary>The <see cref="Handlers"/> chained over the platform's default handler.</summary>
    public static HttpMessageHandler CreateHandler() =>
        KiotaClientFactory.ChainHandlersCollectionAndGetFirstLink(KiotaClientFactory.GetDefaultHttpMessageHandler(), [.. Handlers()])
        ?? throw new InvalidOperationException("No handler chain.");

    public void Dispose()
    {
        Tokens.Dispose();
        ownedHttpClient?.Dispose();
    }
}
