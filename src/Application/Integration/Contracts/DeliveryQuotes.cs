using Cargamos.Modular.Domain.Shipments;
using FluentValidation;

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

/// <summary>The shape of a quote request (API and VTEX quotes): destination and package as for an order, optional dates.</summary>
public sealed class RateRequestValidator : AbstractValidator<RateRequest>
{
    public RateRequestValidator()
    {
        RuleFor(r => r.RecipientLocation).NotNull().WithMessage("recipientLocation (country and postalCode) is required.")
            .SetValidator(new DestinationValidator()!);
        RuleFor(r => r.PackageInformation).NotNull().WithMessage("packageInformation is required.")
            .SetValidator(new PackageInformationValidator()!);
        RuleFor(r => r.ShipperDropoffDate).Must(v => DeliveryOrderRequestValidator.ParseDate(v) is not null).When(r => r.ShipperDropoffDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("shipperDropoffDate must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00.");
        RuleFor(r => r.ExpectedDeliveryDate).Must(v => DeliveryOrderRequestValidator.ParseDate(v) is not null).When(r => r.ExpectedDeliveryDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("expectedDeliveryDate must be an ISO 8601 date-time with offset, e.g. 2026-12-03T18:00:00-06:00.");
        RuleFor(r => r.ShipperDropoffDate).NotNull().When(r => r.ExpectedDeliveryDate is not null)
            .WithMessage("shipperDropoffDate is required with expectedDeliveryDate (the days between them are checked).");
    }
}
