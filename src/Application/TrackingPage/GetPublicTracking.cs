using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex.Contracts;
using Cargamos.Modular.Domain.Shipments;
using Mediator;

namespace Cargamos.Modular.Application.TrackingPage;

/// <summary>
/// What the public tracking page (<c>GET /t/{trackingId}</c>, docs/tracking-page.md) may show anyone holding a
/// trackingId: no address, phone, email, full name, postal code or value. <see cref="TimeZone"/> is the destination
/// zone's IANA time zone (null: show UTC); <see cref="Timeline"/> is oldest first, a status repeated in a row shown once.
/// </summary>
internal sealed record PublicTracking(
    string TrackingId,
    ShipmentStatus Status,
    DateTimeOffset? PromisedDate,
    DeliveryWindow? Window,
    string? TimeZone,
    IReadOnlyList<StatusChange> Timeline,
    string? CarrierName,
    int EvidencesCount,
    string? RecipientFirstName,
    string? City,
    DateTimeOffset UpdatedAt);

/// <summary>
/// Anonymous: the shipment whose trackingId is exactly <see cref="TrackingId"/>, or null when none is or when several
/// are (two shippers chose the same trackingId: the page cannot tell whose parcel it is, and says no more than for an
/// unknown id). A shipmentId is not a public id.
/// </summary>
internal sealed record GetPublicTracking(string TrackingId) : IQuery<PublicTracking?>;

internal sealed class GetPublicTrackingHandler(IShipmentFinder finder, ICoverageCatalog coverage, ICarrierNames carriers)
    : IQueryHandler<GetPublicTracking, PublicTracking?>
{
    /// <summary>The longest trackingId there is (a shipperTrackingId is at most 50 characters); longer ones are not looked up.</summary>
    public const int MaxLength = 100;

    public async ValueTask<PublicTracking?> Handle(GetPublicTracking query, CancellationToken cancellationToken)
    {
        var id = query.TrackingId;
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxLength)
        {
            return null;
        }

        // FindByAnyId also matches a shipmentId: only an exact trackingId counts here.
        var matches = (await finder.FindByAnyId(id, cancellationToken)).Where(s => s.TrackingId == id).Take(2).ToList();
        if (matches is not [var shipment])
        {
            return null;
        }

        var zone = shipment.ZoneId is { } zoneId ? await coverage.Get(zoneId, cancellationToken) : null;
        var order = shipment.Order;
        return new PublicTracking(
            shipment.TrackingId,
            shipment.Status,
            shipment.PromisedDate,
            shipment.Window,
            zone?.TimeZone,
            Timeline(shipment),
            await carriers.NameOf(shipment.CarrierId, cancellationToken),
            shipment.EvidencesCount,
            FirstName(order?.RecipientInformation.Name),
            string.IsNullOrWhiteSpace(order?.RecipientLocation.City) ? null : order.RecipientLocation.City.Trim(),
            shipment.UpdatedAt);
    }

    /// <summary>The first word of the recipient's name: "María José Pérez" shows as "María".</summary>
    public static string? FirstName(string? name) =>
        name?.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..] ? first : null;

    private static List<StatusChange> Timeline(ShipmentTracking shipment)
    {
        var timeline = new List<StatusChange>();
        foreach (var change in shipment.History ?? [new StatusChange(shipment.Status, shipment.UpdatedAt)])
        {
            // A reassignment or a second incident repeats a status: the recipient sees it once, from when it began.
            if (timeline.Count == 0 || timeline[^1].Status != change.Status)
            {
                timeline.Add(change);
            }
        }

        return timeline;
    }
}
