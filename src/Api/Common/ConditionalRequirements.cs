using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData;
using Cargamos.Modular.Application.Vtex;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The requirements the validators apply that <c>required</c> cannot say, in the OpenAPI document: fields that go together
/// (<c>dependentRequired</c>: latitude with longitude, a declared value with its currency), a choice of fields (a zone needs
/// postal code ranges or postal codes), and the quote's destination, which is a delivery order's recipient location of
/// which only the country and the postal code are needed. OpenApiRequiredTests check each of them against the API.
/// </summary>
public static class ConditionalRequirements
{
    private static readonly Dictionary<Type, Dictionary<string, HashSet<string>>> Together = new()
    {
        [typeof(RecipientLocationRequest)] = new() { ["latitude"] = ["longitude"], ["longitude"] = ["latitude"] },
        [typeof(VtexLocationRequest)] = new() { ["latitude"] = ["longitude"], ["longitude"] = ["latitude"] },
        [typeof(PackageInformationRequest)] = new() { ["declaredValue"] = ["currency"] },
    };

    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer(async (schema, context, ct) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (Together.TryGetValue(type, out var together))
        {
            schema.DependentRequired = together.ToDictionary(t => t.Key, t => new HashSet<string>(t.Value));
        }

        if (type == typeof(CoverageZoneRequest) && schema.Required is not null)
        {
            schema.Required.Remove("postalCodeRanges");
            schema.Description = "A zone covers at least one postal code: give `postalCodeRanges`, `postalCodes`, or both.";
        }

        if (type == typeof(RateRequest) && schema.Properties is not null)
        {
            // Inline: a schema of the same type cannot be both the order's component and this one.
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
}
