namespace Cargamos.Modular.Application.Shipments.Contracts;

/// <summary>
/// The address of a shipment's public tracking page (<c>GET /t/{trackingId}</c>, docs/tracking-page.md) as it is
/// written into what outlives a request: webhook messages and the VTEX service view's <c>trackingUrl</c>.
/// </summary>
public interface ITrackingPages
{
    /// <summary>
    /// <c>{Labels:PublicBaseUrl}/t/{trackingId}</c>; never derived from a request's <c>Host</c> (a caller chooses it).
    /// Without the setting (Development and Testing only: a production start requires it) the API's first
    /// listening address.
    /// </summary>
    string Of(string trackingId);
}
