namespace Cargamos.Modular.Domain.Shipments;

// What VTEX Pick and Pack sent when it asked us (the carrier) to create a service. Kept verbatim on the
// shipment's ShipmentCreated event so the VTEX service read model can show it back. Enum-like values are kept
// as the wire codes VTEX uses (PICKUP_DELIVERY, CASH_ON_DELIVERY, ...).

public sealed record VtexGeoLocation(double? Latitude, double? Longitude);

public sealed record VtexDeliveryWindow(string? Name, DateTimeOffset? InitialDate, DateTimeOffset? FinalDate);

/// <summary>The sender or receiver of a VTEX service.</summary>
public sealed record VtexContact(
    string? Name,
    string? Phone,
    string? Email,
    string City,
    string State,
    string Country,
    string Address,
    string? Neighborhood,
    string? Number,
    string? Reference,
    string? AddressComplement,
    VtexGeoLocation? Location,
    string? ZipCode,
    string? Identification,
    string? ContactName,
    VtexDeliveryWindow? DeliveryWindow);

public sealed record VtexDimensions(string? Width, string? Height, string? Length);

public sealed record VtexItem(string Id, string Name, string Ean, string? RefId, string? Image, string? Type, decimal Price, string? Weight, int Quantity);

public sealed record VtexPackage(
    string Id,
    string OrderId,
    string? Envelope,
    string? Description,
    IReadOnlyList<string> Categories,
    VtexDimensions? Dimensions,
    string? Weight,
    decimal? TotalValue,
    IReadOnlyList<VtexItem> Items);

public sealed record VtexSetting(string? Label, string? Value, string? Key);

public sealed record VtexTimezone(double Offset, string Value, string? Label);

/// <summary>A VTEX service creation request as accepted.</summary>
public sealed record VtexService(
    string OrderId,
    string Seller,
    VtexContact Sender,
    DateTimeOffset PickupDate,
    VtexContact Receiver,
    DateTimeOffset DeliveryDate,
    IReadOnlyList<VtexPackage> Packages,
    string Type,
    string CarrierServiceType,
    string? Comments,
    string PaymentMethod,
    IReadOnlyList<VtexSetting> Settings,
    VtexTimezone Timezone);
