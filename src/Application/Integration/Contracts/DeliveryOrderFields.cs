
namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>How a spreadsheet cell of a field is read.</summary>
public enum FieldKind
{
    /// <summary>A block of fields (no column of its own).</summary>
    Object,
    Text,
    Number,
    Boolean,

    /// <summary>Text holding an ISO 8601 date-time with offset.</summary>
    Date,
}

/// <summary>
/// One field of a delivery order: its dotted path (the JSON path of the API and the column name of a spreadsheet), the
/// wire type and property that hold it, whether it is required, what it means and an example.
/// </summary>
/// <param name="RequiredWhen">For a field required only in some cases, when (e.g. "when country is mx").</param>
public sealed record DeliveryOrderField(
    string Path, Type DeclaringType, string Property, bool Required, string Description, object? Example, FieldKind Kind, string? RequiredWhen = null)
{
    /// <summary>"yes", "no" or the condition, as the template's column sheet shows it.</summary>
    public string RequiredText => RequiredWhen ?? (Required ? "yes" : "no");
}

/// <summary>
/// The one description of the delivery order's fields, shared by the OpenAPI document (API) and the spreadsheet
/// templates and readers: the columns of a spreadsheet are the non-object fields, in this order.
/// </summary>
public static class DeliveryOrderFields
{
    private const string CartaPorteWhen = "when country is mx";

    public static readonly IReadOnlyList<DeliveryOrderField> All =
    [
        new("recipientLocation", typeof(DeliveryOrderRequest), "recipientLocation", true, "Where the package goes. Used to check coverage.", null, FieldKind.Object),
        new("recipientLocation.country", typeof(RecipientLocationRequest), "country", true, "Country code: one of mx, co, us, br.", "mx", FieldKind.Text),
        new("recipientLocation.state", typeof(RecipientLocationRequest), "state", true, "State or department.", "Ciudad de México", FieldKind.Text),
        new("recipientLocation.city", typeof(RecipientLocationRequest), "city", true, "City.", "Ciudad de México", FieldKind.Text),
        new("recipientLocation.municipality", typeof(RecipientLocationRequest), "municipality", false, "Municipality or borough (alcaldía).", "Cuauhtémoc", FieldKind.Text),
        new("recipientLocation.neighborhood", typeof(RecipientLocationRequest), "neighborhood", false, "Neighborhood (colonia, barrio, bairro).", "Roma Norte", FieldKind.Text),
        new("recipientLocation.street", typeof(RecipientLocationRequest), "street", true, "Street name.", "Calle Orizaba", FieldKind.Text),
        new("recipientLocation.exteriorNumber", typeof(RecipientLocationRequest), "exteriorNumber", true, "Street number; \"S/N\" when the building has none.", "101", FieldKind.Text),
        new("recipientLocation.interiorNumber", typeof(RecipientLocationRequest), "interiorNumber", false, "Apartment, floor or office.", "Depto. 4", FieldKind.Text),
        new("recipientLocation.postalCode", typeof(RecipientLocationRequest), "postalCode", true, "Postal code in the country's format: mx 5 digits, co 6 digits, us 5 digits or ZIP+4, br 8 digits (00000-000 accepted).", "06700", FieldKind.Text),
        new("recipientLocation.reference", typeof(RecipientLocationRequest), "reference", false, "Directions for the courier.", "Portón verde, frente al parque", FieldKind.Text),
        new("recipientLocation.latitude", typeof(RecipientLocationRequest), "latitude", false, "WGS84 latitude (-90..90); with longitude.", 19.4194, FieldKind.Number, "with longitude"),
        new("recipientLocation.longitude", typeof(RecipientLocationRequest), "longitude", false, "WGS84 longitude (-180..180); with latitude.", -99.1617, FieldKind.Number, "with latitude"),

        new("recipientInformation", typeof(DeliveryOrderRequest), "recipientInformation", true, "Who receives it; the courier contacts them if the address cannot be found.", null, FieldKind.Object),
        new("recipientInformation.name", typeof(RecipientInformationRequest), "name", true, "Recipient's full name.", "María Pérez", FieldKind.Text),
        new("recipientInformation.phone", typeof(RecipientInformationRequest), "phone", true, "Recipient's phone: 10 to 15 digits, optionally with + and separators.", "+52 55 1234 5678", FieldKind.Text),
        new("recipientInformation.email", typeof(RecipientInformationRequest), "email", false, "Recipient's e-mail.", "maria.perez@example.mx", FieldKind.Text),

        new("packageInformation", typeof(DeliveryOrderRequest), "packageInformation", true, "Weight, dimensions and Carta Porte data of the package.", null, FieldKind.Object),
        new("packageInformation.weight", typeof(PackageInformationRequest), "weight", true, "Weight in kg, greater than 0.", 1.5, FieldKind.Number),
        new("packageInformation.dimensions", typeof(PackageInformationRequest), "dimensions", true, "Length, width and height in cm, each greater than 0.", null, FieldKind.Object),
        new("packageInformation.dimensions.length", typeof(DimensionsRequest), "length", true, "Length in cm.", 30, FieldKind.Number),
        new("packageInformation.dimensions.width", typeof(DimensionsRequest), "width", true, "Width in cm.", 20, FieldKind.Number),
        new("packageInformation.dimensions.height", typeof(DimensionsRequest), "height", true, "Height in cm.", 12, FieldKind.Number),
        new("packageInformation.declaredValue", typeof(PackageInformationRequest), "declaredValue", false, "Declared value of the contents (with currency).", 1200.0, FieldKind.Number),
        new("packageInformation.currency", typeof(PackageInformationRequest), "currency", false, "ISO 4217 currency of declaredValue; required with it.", "MXN", FieldKind.Text, "with declaredValue"),
        new("packageInformation.description", typeof(PackageInformationRequest), "description", false, "Short description of the package.", "Caja con zapatos", FieldKind.Text),
        new("packageInformation.contents", typeof(PackageInformationRequest), "contents", false, "What is inside.", "1 par de tenis", FieldKind.Text),
        new("packageInformation.cartaPorte", typeof(PackageInformationRequest), "cartaPorte", false, "SAT Carta Porte complement data; required when country is mx.", null, FieldKind.Object),
        new("packageInformation.cartaPorte.productKey", typeof(CartaPorteRequest), "productKey", true, "SAT c_ClaveProdServCP: 8 digits.", "53111600", FieldKind.Text, CartaPorteWhen),
        new("packageInformation.cartaPorte.unitKey", typeof(CartaPorteRequest), "unitKey", true, "SAT c_ClaveUnidad: 2-3 capital letters or digits.", "H87", FieldKind.Text, CartaPorteWhen),
        new("packageInformation.cartaPorte.quantity", typeof(CartaPorteRequest), "quantity", true, "Quantity of units, greater than 0.", 1, FieldKind.Number, CartaPorteWhen),
        new("packageInformation.cartaPorte.hazardousMaterial", typeof(CartaPorteRequest), "hazardousMaterial", true, "Whether the contents are hazardous material.", false, FieldKind.Boolean, CartaPorteWhen),
        new("packageInformation.cartaPorte.hazardousMaterialKey", typeof(CartaPorteRequest), "hazardousMaterialKey", false, "SAT c_MaterialPeligroso (UN number, e.g. UN1203); required when hazardousMaterial is true.", "UN1203", FieldKind.Text, "when hazardousMaterial is true"),
        new("packageInformation.cartaPorte.packagingKey", typeof(CartaPorteRequest), "packagingKey", false, "SAT c_TipoEmbalaje: 2-4 capital letters or digits.", "4G", FieldKind.Text),

        new("shipperDropoffDate", typeof(DeliveryOrderRequest), "shipperDropoffDate", true, "When you hand the package to Cargamos: ISO 8601 with offset. Must not be in the past, on an operating day, before the zone's cut-off hour (local time).", "2026-12-01T10:00:00-06:00", FieldKind.Date),
        new("expectedDeliveryDate", typeof(DeliveryOrderRequest), "expectedDeliveryDate", true, "When the recipient expects it: ISO 8601 with offset, after the dropoff, within the zone's lead time under your contract.", "2026-12-03T18:00:00-06:00", FieldKind.Date),
        new("shipperTrackingId", typeof(DeliveryOrderRequest), "shipperTrackingId", false, "Your own tracking id, unique among your shipments (1-50 of A-Z a-z 0-9 - _ .). Becomes the trackingId printed on the label; generated when omitted.", "ACME-000123", FieldKind.Text),
        new("lotId", typeof(DeliveryOrderRequest), "lotId", false, "Your own batch name, to find the shipments of a batch later (GET /v1/shipments?lotId=).", "wave-2026-12-01-am", FieldKind.Text),
    ];

    /// <summary>The spreadsheet columns: every field that is not a block, in template order.</summary>
    public static readonly IReadOnlyList<DeliveryOrderField> Columns = All.Where(f => f.Kind != FieldKind.Object).ToList();
}
