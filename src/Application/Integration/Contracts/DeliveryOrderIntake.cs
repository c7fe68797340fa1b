using System.Globalization;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Integration;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>An order that passed layers 2 to 4: normalized, with the zone that covers it.</summary>
public sealed record AcceptedOrder(DeliveryOrder Order, CoverageZone Zone);

/// <summary>The outcome of checking one order: accepted, or refused at one layer with all of that layer's errors.</summary>
public sealed record IntakeOutcome(AcceptedOrder? Accepted, ErrorKind Kind, IReadOnlyList<ErrorDetail> Errors)
{
    public static IntakeOutcome Refused(ErrorKind kind, IReadOnlyList<ErrorDetail> errors) => new(null, kind, errors);

    public AcceptedOrder OrThrow() => Accepted ?? throw new AppError(Kind, Errors);
}

/// <summary>
/// Layers 2 to 4 of integration, shared by the API and spreadsheet uploads: (2) information sufficient and well
/// formed, (3) coverage, (4) service level feasible under the contract. Each layer reports all its errors at once;
/// a layer runs only when the previous one passed. Layer 1 (the shipper is authorized) is <c>ShipperAuthorizationBehavior</c>.
/// </summary>
public sealed class DeliveryOrderIntake(IValidator<DeliveryOrderRequest> validator, ICoverageCatalog coverage, TimeProvider clock)
{
    public const string CoverageFailure = "COVERAGE_FAILURE";

    public async Task<IntakeOutcome> Check(DeliveryOrderRequest request, ShipperContract contract, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            return IntakeOutcome.Refused(ErrorKind.BadRequest, ValidationErrors.ToDetails(validation.Errors, "request.body"));
        }

        var order = Normalize(request);
        var zone = await coverage.FindZone(order.RecipientLocation.Country, order.RecipientLocation.PostalCode, ct);
        if (zone is null)
        {
            return IntakeOutcome.Refused(ErrorKind.Conflict,
            [
                new ErrorDetail(CoverageFailure, "Out of coverage.",
                    $"There is no coverage for the given postalCode: {request.RecipientLocation!.PostalCode!.Trim()}", "recipientLocation.postalCode"),
            ]);
        }

        var violations = ServiceLevelPolicy.Check(contract, zone, order, clock.GetUtcNow());
        if (violations.Count > 0)
        {
            return IntakeOutcome.Refused(ErrorKind.Conflict, violations.Select(v => new ErrorDetail(v.Code,
                v.Code == ServiceLevelPolicy.PackageLimitExceeded
                    ? "The package exceeds the limits of the shipper's contract."
                    : "The requested service level cannot be honored.",
                v.Details, v.Parameter)).ToList());
        }

        return new IntakeOutcome(new AcceptedOrder(order, zone), ErrorKind.BadRequest, []);
    }

    /// <summary>The order as accepted: trimmed, country lower-case, postal code in its canonical form.</summary>
    private static DeliveryOrder Normalize(DeliveryOrderRequest r)
    {
        var l = r.RecipientLocation!;
        var country = l.Country!.Trim().ToLowerInvariant();
        var p = r.PackageInformation!;
        var c = p.CartaPorte;
        return new DeliveryOrder(
            new RecipientLocation(country, T(l.State), T(l.City), T(l.Municipality), T(l.Neighborhood), T(l.Street), T(l.ExteriorNumber),
                T(l.InteriorNumber), PostalCodes.Normalize(country, l.PostalCode!)!, T(l.Reference), l.Latitude, l.Longitude),
            new RecipientInformation(r.RecipientInformation!.Name!.Trim(), T(r.RecipientInformation.Phone), T(r.RecipientInformation.Email)),
            new PackageInformation(p.Weight!.Value, new PackageDimensions(p.Dimensions!.Length!.Value, p.Dimensions.Width!.Value, p.Dimensions.Height!.Value),
                p.DeclaredValue, T(p.Currency), T(p.Description), T(p.Contents),
                c is null ? null : new CartaPorte(c.ProductKey!, c.UnitKey!, c.Quantity!.Value, c.HazardousMaterial!.Value,
                    c.HazardousMaterialKey is null ? null : c.HazardousMaterialKey.StartsWith("UN", StringComparison.Ordinal) ? c.HazardousMaterialKey : "UN" + c.HazardousMaterialKey,
                    T(c.PackagingKey))),
            DeliveryOrderRequestValidator.ParseDate(r.ShipperDropoffDate)!.Value,
            DeliveryOrderRequestValidator.ParseDate(r.ExpectedDeliveryDate)!.Value,
            T(r.ShipperTrackingId),
            T(r.LotId));
    }

    private static string? T(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The ALREADY_EXISTS error of the Cargamos document for a trackingId the shipper already used.</summary>
    public static AppError AlreadyExists(long? lotId, DateTimeOffset firstIntegratedAt) =>
        AppError.Conflict("ALREADY_EXISTS", "The resource you tried to create already exists.",
            $"The shipment you are trying to create, already exists. Integration lot id: {lotId}. Time: {firstIntegratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}",
            "shipperTrackingId");
}
