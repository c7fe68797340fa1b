using System.Text.Json.Nodes;
using Cargamos.Modular.Application.Integration;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Integration;

/// <summary>
/// The OpenAPI description of a delivery order: every field with whether it is required, what it means and an
/// example, so an integration engineer can build against the document alone.
/// </summary>
public static class DeliveryOrderDocs
{
    public const string Description = """
        Turns a delivery order into a shipment, synchronously. The order is checked in four layers, each reporting all its errors at once:
        1. the shipper is authorized (token valid, organization active, contract valid): 401 / 403;
        2. the information is sufficient and well formed: 400 `MISSING_PARAMETER` / `INVALID_PARAMETER`, `parameter` is the dotted path;
        3. the postal code is covered: 409 `COVERAGE_FAILURE`;
        4. the service level can be honored under the contract (country allowed, dates in order and not in the past, dropoff before the zone's
           cut-off on an operating day, delivery within the zone's lead time, package within limits): 409 `SERVICE_LEVEL_FAILURE` / `PACKAGE_LIMIT_EXCEEDED`.

        201 answers a copy of the order as accepted plus `trackingId` (your `shipperTrackingId`, or a generated `CGM…` code) and `shipmentId`.
        A `shipperTrackingId` you already used is 409 `ALREADY_EXISTS`. `?simulate=true` runs every check and writes nothing (200).
        Send `Idempotency-Key: <uuid>` to retry safely: the same key and body get the original answer again.
        """;

    private sealed record Field(Type Type, string Property, bool Required, string Description, JsonNode? Example);

    private static readonly Field[] Fields =
    [
        new(typeof(DeliveryOrderRequest), "recipientLocation", true, "Where the package goes. Used to check coverage.", null),
        new(typeof(DeliveryOrderRequest), "recipientInformation", true, "Who receives it; the courier contacts them if the address cannot be found.", null),
        new(typeof(DeliveryOrderRequest), "packageInformation", true, "Weight, dimensions and Carta Porte data of the package.", null),
        new(typeof(DeliveryOrderRequest), "shipperDropoffDate", true, "When you hand the package to Cargamos: ISO 8601 with offset. Must not be in the past, on an operating day, before the zone's cut-off hour (local time).", "2026-12-01T10:00:00-06:00"),
        new(typeof(DeliveryOrderRequest), "expectedDeliveryDate", true, "When the recipient expects it: ISO 8601 with offset, after the dropoff, within the zone's lead time under your contract.", "2026-12-03T18:00:00-06:00"),
        new(typeof(DeliveryOrderRequest), "shipperTrackingId", false, "Your own tracking id, unique among your shipments (1-50 of A-Z a-z 0-9 - _ .). Becomes the trackingId printed on the label; generated when omitted.", "ACME-000123"),
        new(typeof(DeliveryOrderRequest), "lotId", false, "Your own batch name, to find the shipments of a batch later (GET /v1/shipments?lotId=).", "wave-2026-12-01-am"),

        new(typeof(RecipientLocationRequest), "country", true, "Country code: one of mx, co, us, br.", "mx"),
        new(typeof(RecipientLocationRequest), "state", true, "State or department.", "Ciudad de México"),
        new(typeof(RecipientLocationRequest), "city", true, "City.", "Ciudad de México"),
        new(typeof(RecipientLocationRequest), "municipality", false, "Municipality or borough (alcaldía).", "Cuauhtémoc"),
        new(typeof(RecipientLocationRequest), "neighborhood", false, "Neighborhood (colonia, barrio, bairro).", "Roma Norte"),
        new(typeof(RecipientLocationRequest), "street", true, "Street name.", "Calle Orizaba"),
        new(typeof(RecipientLocationRequest), "exteriorNumber", true, "Street number; \"S/N\" when the building has none.", "101"),
        new(typeof(RecipientLocationRequest), "interiorNumber", false, "Apartment, floor or office.", "Depto. 4"),
        new(typeof(RecipientLocationRequest), "postalCode", true, "Postal code in the country's format: mx 5 digits, co 6 digits, us 5 digits or ZIP+4, br 8 digits (00000-000 accepted).", "06700"),
        new(typeof(RecipientLocationRequest), "reference", false, "Directions for the courier.", "Portón verde, frente al parque"),
        new(typeof(RecipientLocationRequest), "latitude", false, "WGS84 latitude (-90..90); with longitude.", 19.4194),
        new(typeof(RecipientLocationRequest), "longitude", false, "WGS84 longitude (-180..180); with latitude.", -99.1617),

        new(typeof(RecipientInformationRequest), "name", true, "Recipient's full name.", "María Pérez"),
        new(typeof(RecipientInformationRequest), "phone", true, "Recipient's phone: 10 to 15 digits, optionally with + and separators.", "+52 55 1234 5678"),
        new(typeof(RecipientInformationRequest), "email", false, "Recipient's e-mail.", "maria.perez@example.mx"),

        new(typeof(PackageInformationRequest), "weight", true, "Weight in kg, greater than 0.", 1.5),
        new(typeof(PackageInformationRequest), "dimensions", true, "Length, width and height in cm, each greater than 0.", null),
        new(typeof(PackageInformationRequest), "declaredValue", false, "Declared value of the contents (with currency).", 1200.0),
        new(typeof(PackageInformationRequest), "currency", false, "ISO 4217 currency of declaredValue; required with it.", "MXN"),
        new(typeof(PackageInformationRequest), "description", false, "Short description of the package.", "Caja con zapatos"),
        new(typeof(PackageInformationRequest), "contents", false, "What is inside.", "1 par de tenis"),
        new(typeof(PackageInformationRequest), "cartaPorte", false, "SAT Carta Porte complement data; required when country is mx.", null),

        new(typeof(DimensionsRequest), "length", true, "Length in cm.", 30),
        new(typeof(DimensionsRequest), "width", true, "Width in cm.", 20),
        new(typeof(DimensionsRequest), "height", true, "Height in cm.", 12),

        new(typeof(CartaPorteRequest), "productKey", true, "SAT c_ClaveProdServCP: 8 digits.", "53111600"),
        new(typeof(CartaPorteRequest), "unitKey", true, "SAT c_ClaveUnidad: 2-3 capital letters or digits.", "H87"),
        new(typeof(CartaPorteRequest), "quantity", true, "Quantity of units, greater than 0.", 1),
        new(typeof(CartaPorteRequest), "hazardousMaterial", true, "Whether the contents are hazardous material.", false),
        new(typeof(CartaPorteRequest), "hazardousMaterialKey", false, "SAT c_MaterialPeligroso (UN number, e.g. UN1203); required when hazardousMaterial is true.", "UN1203"),
        new(typeof(CartaPorteRequest), "packagingKey", false, "SAT c_TipoEmbalaje: 2-4 capital letters or digits.", "4G"),
    ];

    public const string ExampleJson = """
        {
          "recipientLocation": {
            "country": "mx", "state": "Ciudad de México", "city": "Ciudad de México", "municipality": "Cuauhtémoc",
            "neighborhood": "Roma Norte", "street": "Calle Orizaba", "exteriorNumber": "101", "interiorNumber": "Depto. 4",
            "postalCode": "06700", "reference": "Portón verde, frente al parque", "latitude": 19.4194, "longitude": -99.1617
          },
          "recipientInformation": { "name": "María Pérez", "phone": "+52 55 1234 5678", "email": "maria.perez@example.mx" },
          "packageInformation": {
            "weight": 1.5, "dimensions": { "length": 30, "width": 20, "height": 12 },
            "declaredValue": 1200, "currency": "MXN", "description": "Caja con zapatos", "contents": "1 par de tenis",
            "cartaPorte": { "productKey": "53111600", "unitKey": "H87", "quantity": 1, "hazardousMaterial": false, "packagingKey": "4G" }
          },
          "shipperDropoffDate": "2026-12-01T10:00:00-06:00",
          "expectedDeliveryDate": "2026-12-03T18:00:00-06:00",
          "shipperTrackingId": "ACME-000123",
          "lotId": "wave-2026-12-01-am"
        }
        """;

    /// <summary>Descriptions, examples and required lists on the request schemas.</summary>
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (Fields.FirstOrDefault(f => f.Example is null && ObjectType(f) == context.JsonTypeInfo.Type) is { } parent)
        {
            schema.Description = parent.Description;
        }

        var fields = Fields.Where(f => f.Type == context.JsonTypeInfo.Type).ToList();
        if (fields.Count == 0 || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        foreach (var field in fields)
        {
            if (schema.Properties.TryGetValue(field.Property, out var property) && property is OpenApiSchema concrete)
            {
                concrete.Description = field.Description;
                if (field.Example is not null)
                {
                    concrete.Examples = [field.Example.DeepClone()];
                }
            }
            else if (property is OpenApiSchemaReference reference)
            {
                reference.Description = field.Description;
            }
        }

        schema.Required = fields.Where(f => f.Required).Select(f => f.Property).ToHashSet();
        return Task.CompletedTask;
    });

    private static Type? ObjectType(Field field) =>
        field.Type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field.Property, StringComparison.OrdinalIgnoreCase))?.PropertyType;

    /// <summary>A complete, valid request body as the example of the operation.</summary>
    public static Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true && media is OpenApiMediaType concrete)
        {
            concrete.Example = JsonNode.Parse(ExampleJson);
        }

        return Task.CompletedTask;
    }
}
