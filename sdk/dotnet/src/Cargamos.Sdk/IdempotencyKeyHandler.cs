namespace Cargamos.Sdk;

/// <summary>
/// Adds <c>Idempotency-Key: &lt;new UUID&gt;</c> to every <c>POST /v1/delivery-orders</c> that has none, so that a retry of
/// the same request (this pipeline retries 429 and 503 answers, or your own retry of the same <see cref="HttpRequestMessage"/>)
/// gets the first answer instead of creating a second shipment. Set the header yourself to keep a key across processes.
/// </summary>
public sealed class IdempotencyKeyHandler : DelegatingHandler
{
    public const string Header = "Idempotency-Key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post
            && request.RequestUri?.AbsolutePath.TrimEnd('/').EndsWith("/v1/delivery-orders", StringComparison.Ordinal) == true
            && !request.Headers.Contains(Header))
        {
            request.Headers.Add(Header, Guid.NewGuid().ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
