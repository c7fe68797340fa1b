namespace Cargamos.Modular.Domain.Shipments;

/// <summary>The order as accepted at integration: the four information blocks of the Cargamos document.</summary>
public sealed record DeliveryOrder(
    RecipientLocation RecipientLocation,
    RecipientInformation RecipientInformation,
    PackageInformation PackageInformation,
    DateTimeOffset ShipperDropoffDate,
    DateTimeOffset ExpectedDeliveryDate,
    string? ShipperTrackingId,
    string? LotId);

/// <summary>
/// Where the parcel goes. <see cref="PostalCode"/> is in its country's canonical form; null only for a VTEX service
/// whose receiver has no zipCode and whose coordinates or city resolved to a zone (the current protocol allows it).
/// </summary>
public sealed record RecipientLocation(
    string Country,
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

public sealed record RecipientInformation(string Name, string? Phone, string? Email);

public sealed record PackageInformation(
    decimal Weight,
    PackageDimensions Dimensions,
    decimal? DeclaredValue,
    string? Currency,
    string? Description,
    string? Contents,
    CartaPorte? CartaPorte);

public sealed record PackageDimensions(decimal Length, decimal Width, decimal Height);

/// <summary>Mexican SAT "Carta Porte" complement data for the parcel.</summary>
public sealed record CartaPorte(
    string ProductKey,
    string UnitKey,
    decimal Quantity,
    bool HazardousMaterial,
    string? HazardousMaterialKey,
    string? PackagingKey);
