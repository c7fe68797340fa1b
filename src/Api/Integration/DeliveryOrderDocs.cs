using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Api.Integration;

/// <summary>
/// The OpenAPI description of a delivery order: every field with whether it is required, what it means and an
/// example, so an integration engineer can build against the document alone.
/// </summary>
internal static class DeliveryOrderDocs
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

    // The one description of the fields, shared with the spreadsheet templates (Application/Spreadsheets/DeliveryOrderFields).
    private static readonly Field[] Fields = DeliveryOrderFields.All
        .Select(f => new Field(f.DeclaringType, f.Property, f.Required, f.Description, f.Example is null ? null : JsonSerializer.SerializeToNode(f.Example)))
        .ToArray();

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

    /// <summary>
    /// What the validators require that <c>required</c> cannot say (after RequiredFromValidation): coordinates go together,
    /// a declared value needs its currency, and a quote's destination is a recipient location of which only the country and
    /// the postal code are needed (an inline schema: the type's component is the order's).
    /// </summary>
    public static void DescribeConditions(OpenApiOptions options) => options.AddSchemaTransformer(async (schema, context, ct) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(RecipientLocationRequest))
        {
            ConditionalRequirements.Together(schema, "latitude", "longitude");
        }

        if (type == typeof(PackageInformationRequest))
        {
            ConditionalRequirements.Needs(schema, "declaredValue", "currency");
        }

        if (type == typeof(RateRequest) && schema.Properties is not null)
        {
            // A copy without the type's schema id, which would turn it back into a reference to the order's component.
            var order = await context.GetOrCreateSchemaAsync(typeof(RecipientLocationRequest), null, ct);
            var destination = (OpenApiSchema)order.CreateShallowCopy();
            destination.Metadata = order.Metadata?.Where(m => m.Key != "x-schema-id").ToDictionary(m => m.Key, m => m.Value);
            destination.Required = new HashSet<string>(StringComparer.Ordinal) { "country", "postalCode" };
            destination.Description = "Where the parcel goes: a delivery order's `recipientLocation`, of which a quote needs only " +
                                      "`country` and `postalCode` (the other fields are read and ignored).";
            schema.Properties["recipientLocation"] = destination;
        }
    });

    private static Type? ObjectType(Field field) =>
        field.Type.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field.Property, StringComparison.OrdinalIgnoreCase))?.PropertyType;
}
