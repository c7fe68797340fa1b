using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// A quote request: the delivery order fields a price depends on. A whole delivery order may be sent: its other fields
/// (<see cref="RecipientInformation"/>, <see cref="ShipperTrackingId"/>, <see cref="LotId"/>, the address lines) are read
/// as JSON like any body (so a duplicate key is refused) and then ignored.
/// </summary>
public sealed record RateRequest(
    RecipientLocationRequest? RecipientLocation,
    PackageInformationRequest? PackageInformation,
    string? ShipperDropoffDate,
    string? ExpectedDeliveryDate,
    RecipientInformationRequest? RecipientInformation = null,
    string? ShipperTrackingId = null,
    string? LotId = null);

/// <summary>The rate card version that priced a quote, and its validity.</summary>
public sealed record RateCardReference(int Version, DateTimeOffset ValidFrom, DateTimeOffset ValidTo);

/// <summary>
/// A quote: the price (null when the shipper has no rate card) and the card that gave it, the zone and carrier, and the
/// promise: drop the parcel off by <see cref="DropoffBy"/> and it is delivered between the two dates (zone local dates).
/// </summary>
public sealed record DeliveryQuote(
    ShipmentPrice? Price,
    RateCardReference? RateCard,
    string ZoneId,
    string CarrierId,
    DateTimeOffset DropoffBy,
    DateOnly EarliestDelivery,
    DateOnly LatestDelivery);
