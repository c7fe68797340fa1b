using System.Globalization;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Integration;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>
/// An order that passed layers 2 to 4: normalized, with the zone that covers it and its price under the shipper's rate
/// card in force (null when the shipper has no rate card).
/// </summary>
public sealed record AcceptedOrder(DeliveryOrder Order, CoverageZone Zone, ShipmentPrice? Price = null);

/// <summary>The outcome of checking one order: accepted, or refused at one layer with all of that layer's errors.</summary>
public sealed record IntakeOutcome(AcceptedOrder? Accepted, ErrorKind Kind, IReadOnlyList<ErrorDetail> Errors)
{
    public static IntakeOutcome Refused(ErrorKind kind, IReadOnlyList<ErrorDetail> errors) => new(null, kind, errors);

    public AcceptedOrder OrThrow() => Accepted ?? throw new AppError(Kind, Errors);
}

/// <summary>
/// How a caller's orders become shipments; the API, VTEX and spreadsheets differ only here. The trackingId is the order's
/// <c>shipperTrackingId</c>, else the caller's <see cref="FallbackTrackingId"/> (a spreadsheet row's, derived from its
/// file and row number), else generated. The carrier is <see cref="CarrierId"/>, else the zone's default carrier. <see cref="LotId"/> null: the
/// order is a lot of one, whose id is allocated once the order is accepted. A <see cref="Vtex"/> service is recorded on
/// ShipmentCreated and accepted by its carrier at once (PENDING); its receiver may have no postal code when its
/// coordinates or city resolve to a zone (the current VTEX protocol makes zipCode optional).
/// </summary>
public sealed record IntakePolicy(
    string ShipperId, Actor By, long? LotId = null, string? FallbackTrackingId = null, string? CarrierId = null, VtexService? Vtex = null);

/// <summary>
/// A new shipment, ready for <see cref="IShipmentCreator.Create"/>: its first events (the first is its ShipmentCreated) and
/// the order as accepted. <see cref="FallbackTrackingId"/>: the trackingId is the caller's fallback (a spreadsheet row's).
/// </summary>
public sealed record NewShipment(IReadOnlyList<IShipmentEvent> Events, AcceptedOrder Accepted, bool FallbackTrackingId)
{
    public ShipmentCreated Created => (ShipmentCreated)Events[0];
}

/// <summary>The outcome of admitting one order: the new shipment, or the layer that refused it with all of its errors.</summary>
public sealed record Admission(NewShipment? Shipment, ErrorKind Kind, IReadOnlyList<ErrorDetail> Errors)
{
    public NewShipment OrThrow() => Shipment ?? throw new AppError(Kind, Errors);
}

/// <summary>
/// Layers 2 to 4 of integration, shared by the API, VTEX and spreadsheet uploads: (2) information sufficient and well
/// formed, (3) coverage, (4) service level feasible under the contract. Each layer reports all its errors at once;
/// a layer runs only when the previous one passed. Layer 1 (the shipper is authorized) is <c>ShipperAuthorizationBehavior</c>.
/// </summary>
public sealed class DeliveryOrderIntake(
    IValidator<DeliveryOrderRequest> validator, ICoverageCatalog coverage, IRateCards rateCards, IIntegrationLots lots, TimeProvider clock)
{
    public const string CoverageFailure = "COVERAGE_FAILURE";

    /// <summary>Checks the order (<see cref="Check"/>) and, when it passes, builds its new shipment under <paramref name="policy"/>.</summary>
    public async Task<Admission> Admit(DeliveryOrderRequest request, ShipperContract contract, IntakePolicy policy, CancellationToken ct)
    {
        var outcome = await Check(request, contract, ct, postalCodeOptional: policy.Vtex is not null);
        if (outcome.Accepted is not { } accepted)
        {
            return new Admission(null, outcome.Kind, outcome.Errors);
        }

        var (order, zone, price) = accepted;
        var now = clock.GetUtcNow();
        var lotId = policy.LotId ?? await lots.NextId(ct);
        var trackingId = order.ShipperTrackingId ?? policy.FallbackTrackingId ?? TrackingIds.New();
        var promise = ServiceLevelPolicy.Promise(contract.ServiceLevelFor(zone.Id)!, zone, order.ShipperDropoffDate, now);
        var created = ShipmentDecisions.Create(Guid.CreateVersion7(), trackingId, policy.ShipperId, policy.CarrierId ?? zone.DefaultCarrierId,
            order, policy.By, now, lotId, zone.Id, policy.Vtex, price, new DeliveryWindow(promise.Earliest, promise.Latest));
        IReadOnlyList<IShipmentEvent> events = policy.Vtex is null
            ? [created]
            : [created, .. ShipmentDecisions.ReportStatus(Shipment.Evolve(null, created)!, new StatusReport(ShipmentStatus.Pending), policy.By, now)];
        return new Admission(new NewShipment(events, accepted, order.ShipperTrackingId is null && policy.FallbackTrackingId is not null), ErrorKind.BadRequest, []);
    }

    /// <summary>
    /// Layers 2 to 4 and the price. <paramref name="postalCodeOptional"/>: the destination may name no postal code, its
    /// zone then found by coordinates or city (VTEX services).
    /// </summary>
    public async Task<IntakeOutcome> Check(DeliveryOrderRequest request, ShipperContract contract, CancellationToken ct, bool postalCodeOptional = false)
    {
        // The order's rules are all synchronous: FluentValidation's async pipeline would only add a state machine per rule
        // (a third of a spreadsheet row's CPU). Validate throws if an async rule is ever added.
        var validation = postalCodeOptional ? validator.Validate(DestinationValidator.WithoutPostalCode(request)) : validator.Validate(request);
        if (!validation.IsValid)
        {
            return IntakeOutcome.Refused(ErrorKind.BadRequest, ValidationErrors.ToDetails(validation.Errors, "request.body"));
        }

        var order = Normalize(request);
        var l = order.RecipientLocation;
        var zone = await Locate(l.Country, l.PostalCode, l.City, l.Latitude, l.Longitude, ct);
        if (zone is null)
        {
            return IntakeOutcome.Refused(ErrorKind.Conflict, [OutOfCoverage(request.RecipientLocation!)]);
        }

        var violations = ServiceLevelPolicy.Check(contract, zone, order, clock.GetUtcNow());
        if (violations.Count > 0)
        {
            return IntakeOutcome.Refused(ErrorKind.Conflict, Details(violations));
        }

        var (price, _, failure) = await Price(contract.ShipperId, zone, order.PackageInformation, ct);
        return failure is null
            ? new IntakeOutcome(new AcceptedOrder(order, zone, price), ErrorKind.BadRequest, [])
            : IntakeOutcome.Refused(ErrorKind.Conflict, [failure]);
    }

    /// <summary>
    /// A quote (layers 3 and 4 and the price) for a request whose destination and package passed their validators: the
    /// same checks and codes as an order, the dates only when given.
    /// </summary>
    public async Task<(DeliveryQuote? Quote, ErrorKind Kind, IReadOnlyList<ErrorDetail> Errors)> Quote(
        ShipperContract contract, RecipientLocationRequest destination, PackageInformationRequest package,
        DateTimeOffset? dropoff, DateTimeOffset? expectedDelivery, CancellationToken ct)
    {
        var country = destination.Country!.Trim().ToLowerInvariant();
        var postalCode = string.IsNullOrWhiteSpace(destination.PostalCode) ? null : PostalCodes.Normalize(country, destination.PostalCode)!;
        var zone = await Locate(country, postalCode, T(destination.City), destination.Latitude, destination.Longitude, ct);
        if (zone is null)
        {
            return (null, ErrorKind.Conflict, [OutOfCoverage(destination)]);
        }

        var parcel = Normalize(package);
        var now = clock.GetUtcNow();
        var violations = ServiceLevelPolicy.Check(contract, zone, country, postalCode, parcel, dropoff, expectedDelivery, now);
        if (violations.Count > 0)
        {
            return (null, ErrorKind.Conflict, Details(violations));
        }

        var (price, card, failure) = await Price(contract.ShipperId, zone, parcel, ct);
        if (failure is not null)
        {
            return (null, ErrorKind.Conflict, [failure]);
        }

        var promise = ServiceLevelPolicy.Promise(contract.ServiceLevelFor(zone.Id)!, zone, dropoff, now);
        return (new DeliveryQuote(price, card is null ? null : new RateCardReference(card.Version, card.ValidFrom, card.ValidTo),
            zone.Id, zone.DefaultCarrierId, promise.DropoffBy, promise.Earliest, promise.Latest), ErrorKind.BadRequest, []);
    }

    /// <summary>The zone of a postal code, or of a destination without one by its coordinates or city.</summary>
    private Task<CoverageZone?> Locate(string country, string? postalCode, string? city, double? latitude, double? longitude, CancellationToken ct) =>
        postalCode is not null
            ? coverage.FindZone(country, postalCode, ct)
            : coverage.FindZoneByPlace(country, city, latitude, longitude, ct);

    private static ErrorDetail OutOfCoverage(RecipientLocationRequest destination) =>
        string.IsNullOrWhiteSpace(destination.PostalCode)
            ? new(CoverageFailure, "Out of coverage.",
                $"There is no postalCode, and neither the coordinates nor the city '{destination.City?.Trim()}' resolve to a coverage zone; " +
                "send the postal code.", "recipientLocation.postalCode")
            : new(CoverageFailure, "Out of coverage.", $"There is no coverage for the given postalCode: {destination.PostalCode.Trim()}", "recipientLocation.postalCode");

    private static List<ErrorDetail> Details(IReadOnlyList<ServiceLevelViolation> violations) =>
        violations.Select(v => new ErrorDetail(v.Code,
            v.Code == ServiceLevelPolicy.PackageLimitExceeded
                ? "The package exceeds the limits of the shipper's contract."
                : "The requested service level cannot be honored.",
            v.Details, v.Parameter)).ToList();

    /// <summary>
    /// The price of a parcel under the shipper's rate card in force now, and that card. A shipper without any rate card
    /// ships unpriced (nulls, no failure); one that has a card must be priced by the card in force, else RATE_NOT_AVAILABLE.
    /// </summary>
    private async Task<(ShipmentPrice? Price, RateCard? Card, ErrorDetail? Failure)> Price(
        string shipperId, CoverageZone zone, PackageInformation package, CancellationToken ct)
    {
        var cards = await rateCards.For(shipperId, ct);
        if (cards.Count == 0)
        {
            return (null, null, null);
        }

        var now = clock.GetUtcNow();
        var currency = RateCard.CurrencyOf(zone.Country);
        if (RateCard.InForce(cards, currency, now) is not { } card)
        {
            var versions = cards.Where(c => c.Currency == currency).ToList();
            return (null, null, RateNotAvailable(new PricingFailure(versions.Count == 0
                ? $"'{shipperId}' has no rate card in {currency}, the currency of deliveries in '{zone.Country}'."
                : string.Create(CultureInfo.InvariantCulture, $"No rate card of '{shipperId}' in {currency} is in force on {now:yyyy-MM-dd}; versions: ") +
                  string.Join(", ", versions.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Version} ({c.ValidFrom:yyyy-MM-dd} to {c.ValidTo:yyyy-MM-dd})"))) + ".",
                "recipientLocation.country")));
        }

        var (price, failure) = Pricing.Quote(card, zone.Id, package);
        return failure is null ? (price, card, null) : (null, null, RateNotAvailable(failure));
    }

    private static ErrorDetail RateNotAvailable(PricingFailure failure) =>
        new(Pricing.RateNotAvailable, "The shipment cannot be priced under the shipper's rate card.", failure.Details, failure.Parameter);

    /// <summary>The order as accepted: trimmed, country lower-case, postal code in its canonical form.</summary>
    private static DeliveryOrder Normalize(DeliveryOrderRequest r)
    {
        var l = r.RecipientLocation!;
        var country = l.Country!.Trim().ToLowerInvariant();
        return new DeliveryOrder(
            new RecipientLocation(country, T(l.State), T(l.City), T(l.Municipality), T(l.Neighborhood), T(l.Street), T(l.ExteriorNumber),
                T(l.InteriorNumber), string.IsNullOrWhiteSpace(l.PostalCode) ? null : PostalCodes.Normalize(country, l.PostalCode)!, T(l.Reference), l.Latitude, l.Longitude),
            new RecipientInformation(r.RecipientInformation!.Name!.Trim(), T(r.RecipientInformation.Phone), T(r.RecipientInformation.Email)),
            Normalize(r.PackageInformation!),
            DeliveryOrderRequestValidator.ParseDate(r.ShipperDropoffDate)!.Value,
            DeliveryOrderRequestValidator.ParseDate(r.ExpectedDeliveryDate)!.Value,
            T(r.ShipperTrackingId),
            T(r.LotId));
    }

    private static PackageInformation Normalize(PackageInformationRequest p)
    {
        var c = p.CartaPorte;
        return new PackageInformation(p.Weight!.Value, new PackageDimensions(p.Dimensions!.Length!.Value, p.Dimensions.Width!.Value, p.Dimensions.Height!.Value),
            p.DeclaredValue, T(p.Currency), T(p.Description), T(p.Contents),
            c is null ? null : new CartaPorte(c.ProductKey!, c.UnitKey!, c.Quantity!.Value, c.HazardousMaterial!.Value,
                c.HazardousMaterialKey is null ? null : c.HazardousMaterialKey.StartsWith("UN", StringComparison.Ordinal) ? c.HazardousMaterialKey : "UN" + c.HazardousMaterialKey,
                T(c.PackagingKey)));
    }

    private static string? T(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The ALREADY_EXISTS error of the Cargamos document for a trackingId the shipper already used.</summary>
    public static AppError AlreadyExists(long? lotId, DateTimeOffset firstIntegratedAt) =>
        AppError.Conflict("ALREADY_EXISTS", "The resource you tried to create already exists.",
            $"The shipment you are trying to create, already exists. Integration lot id: {lotId}. Time: {firstIntegratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}",
            "shipperTrackingId");

    /// <summary>
    /// The ALREADY_EXISTS of a new shipment whose trackingId was used first in lot <paramref name="lotId"/> at
    /// <paramref name="firstIntegratedAt"/>; a trackingId derived from a spreadsheet's row names no column.
    /// </summary>
    public static ErrorDetail AlreadyExists(NewShipment shipment, long? lotId, DateTimeOffset firstIntegratedAt)
    {
        var error = AlreadyExists(lotId, firstIntegratedAt).Errors[0];
        return shipment.FallbackTrackingId
            ? error with { Details = error.Details + " (this row of this same file, identified by the file's content and the row number, was integrated before)", Parameter = null }
            : error;
    }
}
