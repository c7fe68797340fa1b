namespace Cargamos.Modular.Domain.Shipments;

public enum Vehicle { Scooter, Van, Car, Truck, Bike, Walk, Drone }

/// <summary>The courier doing the job, as the carrier reports it.</summary>
public sealed record CourierAgent(string Id, string Name, string? Identification, string? Phone, string? Email, Vehicle? Vehicle);

public enum CancelType { ErrorCreateService, EndClientCanceled, NoThereDeliveryManAssign, Other }

public enum HoldType { ErrorCreateService, EndClientPause, NoThereDeliveryManAssign, Other }

public enum NoteType { Comment, Error }

public enum EvidenceType { Text, Image }

public enum LabelType { Pdf, Base64, Text, Zpl }

public sealed record ShipmentNote(NoteType Type, string Note, string? Author);

public sealed record ShipmentEvidence(EvidenceType Type, string Content, string? Author);

public sealed record ShipmentLabel(string Id, string Url, string Name, LabelType Type);

/// <summary>Non-status facts a carrier reports with a status update. A null field means "not reported".</summary>
public sealed record TrackingDetails(
    string? TrackingUrl = null,
    int? TotalDistanceTraveled = null,
    decimal? Rating = null,
    decimal? ShippingPrice = null,
    DateTimeOffset? ShippingEstimatedDate = null)
{
    public static readonly TrackingDetails None = new();

    /// <summary>The fields of <paramref name="reported"/> that differ from this one; null when nothing changed.</summary>
    public TrackingDetails? ChangesFrom(TrackingDetails reported)
    {
        var changes = new TrackingDetails(
            Changed(TrackingUrl, reported.TrackingUrl),
            Changed(TotalDistanceTraveled, reported.TotalDistanceTraveled),
            Changed(Rating, reported.Rating),
            Changed(ShippingPrice, reported.ShippingPrice),
            Changed(ShippingEstimatedDate, reported.ShippingEstimatedDate));
        return changes == None ? null : changes;
    }

    public TrackingDetails Merge(TrackingDetails changes) => new(
        changes.TrackingUrl ?? TrackingUrl,
        changes.TotalDistanceTraveled ?? TotalDistanceTraveled,
        changes.Rating ?? Rating,
        changes.ShippingPrice ?? ShippingPrice,
        changes.ShippingEstimatedDate ?? ShippingEstimatedDate);

    private static string? Changed(string? current, string? reported) =>
        reported is not null && reported != current ? reported : null;

    private static T? Changed<T>(T? current, T? reported) where T : struct =>
        reported.HasValue && !reported.Equals(current) ? reported : null;
}
