using System.Net;
using System.Net.Sockets;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Application.Webhooks.Ports;
using Microsoft.Extensions.Options;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// The registration-time URL rules: https when <c>Webhooks:RequireHttps</c>; with <c>Webhooks:BlockPrivateNetworks</c>, a host
/// that resolves (every address of it) to public addresses only. The same address rule is enforced again at every connection.
/// </summary>
internal sealed class WebhookUrlGuard(IOptions<WebhookOptions> options) : IWebhookUrlGuard
{
    public async Task<string?> Check(Uri url, CancellationToken ct)
    {
        var settings = options.Value;
        if (settings.RequireHttps == true && url.Scheme != Uri.UriSchemeHttps)
        {
            return $"url must use https (got {url.Scheme}): webhooks carry your shipments' data.";
        }

        if (settings.BlockPrivateNetworks != true)
        {
            return null;
        }

        var host = url.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, ct);
            }
            catch (SocketException)
            {
                return $"The host '{host}' of url could not be resolved; use a host with a public DNS record.";
            }
        }

        if (addresses.Length == 0)
        {
            return $"The host '{host}' of url has no address; use a host with a public DNS record.";
        }

        return addresses.Select(a => (Address: a, Why: WebhookAddressRules.WhyBlocked(a))).FirstOrDefault(a => a.Why is not null) is { Why: { } why } blocked
            ? $"url must reach a public internet address: '{host}' resolves to {blocked.Address}, {why}."
            : null;
    }
}
