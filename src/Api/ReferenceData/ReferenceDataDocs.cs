using Cargamos.Modular.Application.ReferenceData;
using Microsoft.AspNetCore.OpenApi;

namespace Cargamos.Modular.Api.ReferenceData;

/// <summary>The OpenAPI document where the reference data's validators need more than <c>required</c> (after RequiredFromValidation).</summary>
internal static class ReferenceDataDocs
{
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        // A zone covers at least one postal code, given as ranges, as single codes, or both: neither list is required alone.
        if (context.JsonTypeInfo.Type == typeof(CoverageZoneRequest) && schema.Required is not null)
        {
            schema.Required.Remove("postalCodeRanges");
            schema.Description = "A zone covers at least one postal code: give `postalCodeRanges`, `postalCodes`, or both.";
        }

        return Task.CompletedTask;
    });
}
