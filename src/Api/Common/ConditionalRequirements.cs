using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// Requirements the validators apply that <c>required</c> cannot say, for the modules' OpenAPI descriptions to state:
/// fields that go together (<c>dependentRequired</c>: latitude with longitude, a declared value with its currency). Each
/// module registers its own after <see cref="RequiredFromValidation"/> (DeliveryOrderDocs, VtexDocs, ReferenceDataDocs);
/// OpenApiRequiredTests check them against the API.
/// </summary>
public static class ConditionalRequirements
{
    /// <summary>Each of <paramref name="fields"/>, when sent, needs all the others.</summary>
    public static void Together(OpenApiSchema schema, params string[] fields)
    {
        schema.DependentRequired ??= new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            schema.DependentRequired[field] = fields.Where(f => f != field).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary><paramref name="field"/>, when sent, needs <paramref name="needed"/>.</summary>
    public static void Needs(OpenApiSchema schema, string field, params string[] needed)
    {
        schema.DependentRequired ??= new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        schema.DependentRequired[field] = needed.ToHashSet(StringComparer.Ordinal);
    }
}
