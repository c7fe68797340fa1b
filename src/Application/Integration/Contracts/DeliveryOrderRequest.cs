using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Integration.Contracts;

// The wire shape of a delivery order. Every member is nullable so that a missing field is reported as
// MISSING_PARAMETER by the validator, together with every other problem of the request, instead of failing
// deserialization on the first one.

/// <summary>A delivery order as a shipper sends it (API body, or one spreadsheet row).</summary>
public sealed record DeliveryOrderRequest(
    RecipientLocationRequest? RecipientLocation,
    RecipientInformationRequest? RecipientInformation,
    PackageInformationRequest? PackageInformation,
    string? ShipperDropoffDate,
    string? ExpectedDeliveryDate,
    string? ShipperTrackingId,
    string? LotId);

public sealed record RecipientLocationRequest(
    string? Country,
    string? State,
    string? City,
    string? Municipality,
    string? Neighborhood,
    string? Street,
    string? ExteriorNumber,
    string? InteriorNumber,
    string? PostalCode,
    string? Reference,
    double? Latitude,
    double? Longitude);

public sealed record RecipientInformationRequest(string? Name, string? Phone, string? Email);

public sealed record PackageInformationRequest(
    decimal? Weight,
    DimensionsRequest? Dimensions,
    decimal? DeclaredValue,
    string? Currency,
    string? Description,
    string? Contents,
    CartaPorteRequest? CartaPorte);

[RequiredFields("length", "width", "height")]
public sealed record DimensionsRequest(decimal? Length, decimal? Width, decimal? Height);

public sealed record CartaPorteRequest(
    string? ProductKey,
    string? UnitKey,
    decimal? Quantity,
    bool? HazardousMaterial,
    string? HazardousMaterialKey,
    string? PackagingKey);
