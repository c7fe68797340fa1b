using System.Net;
using System.Net.Sockets;

namespace Cargamos.Modular.Domain.Webhooks;

/// <summary>
/// Which addresses a webhook may not reach (SSRF): anything that is not a public unicast address of the internet, and
/// the cloud metadata endpoints.
/// </summary>
public static class WebhookAddressRules
{
    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");
    private static readonly IPAddress SixToFour = IPAddress.Parse("2002::");

    private static readonly (IPAddress Network, int Prefix, string Why)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "an unspecified (\"this network\") address"),
        (IPAddress.Parse("10.0.0.0"), 8, "a private address"),
        (IPAddress.Parse("100.64.0.0"), 10, "a carrier-grade NAT address"),
        (IPAddress.Parse("127.0.0.0"), 8, "a loopback address"),
        (IPAddress.Parse("169.254.0.0"), 16, "a link-local address (cloud metadata endpoints live there)"),
        (IPAddress.Parse("172.16.0.0"), 12, "a private address"),
        (IPAddress.Parse("192.0.0.0"), 24, "an IETF protocol assignment address"),
        (IPAddress.Parse("192.0.2.0"), 24, "a documentation address"),
        (IPAddress.Parse("192.168.0.0"), 16, "a private address"),
        (IPAddress.Parse("198.18.0.0"), 15, "a benchmarking address"),
        (IPAddress.Parse("198.51.100.0"), 24, "a documentation address"),
        (IPAddress.Parse("203.0.113.0"), 24, "a documentation address"),
        (IPAddress.Parse("224.0.0.0"), 4, "a multicast address"),
        (IPAddress.Parse("240.0.0.0"), 4, "a reserved or broadcast address"),
        (IPAddress.Parse("168.63.129.16"), 32, "a cloud metadata address"),
    ];

    private static readonly (IPAddress Network, int Prefix, string Why)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128, "an unspecified address"),
        (IPAddress.Parse("::1"), 128, "a loopback address"),
        (IPAddress.Parse("::"), 96, "an IPv4-compatible address (deprecated)"),
        (IPAddress.Parse("64:ff9b:1::"), 48, "a local-use NAT64 address"),
        (IPAddress.Parse("2001::"), 32, "a Teredo tunnel address"),
        (IPAddress.Parse("100::"), 64, "a discard-only address"),
        (IPAddress.Parse("2001:db8::"), 32, "a documentation address"),
        (IPAddress.Parse("fc00::"), 7, "a unique local (private) address (cloud metadata endpoints live there)"),
        (IPAddress.Parse("fe80::"), 10, "a link-local address"),
        (IPAddress.Parse("fec0::"), 10, "a site-local address"),
        (IPAddress.Parse("ff00::"), 8, "a multicast address"),
    ];

    /// <summary>Why the address may not be reached, or null when it is a public address.</summary>
    public static string? WhyBlocked(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return WhyBlocked(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();

            // NAT64 and 6to4 addresses reach the IPv4 address they embed: judge that one.
            if (InNetwork(address, Nat64, 96))
            {
                return WhyBlocked(new IPAddress(bytes[12..]));
            }

            if (InNetwork(address, SixToFour, 16))
            {
                return WhyBlocked(new IPAddress(bytes[2..6]));
            }

            return BlockedV6.Where(b => InNetwork(address, b.Network, b.Prefix)).Select(b => b.Why).FirstOrDefault();
        }

        return address.AddressFamily == AddressFamily.InterNetwork
            ? BlockedV4.Where(b => InNetwork(address, b.Network, b.Prefix)).Select(b => b.Why).FirstOrDefault()
            : "not an IP address";
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        for (var i = 0; i < full; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }
}
