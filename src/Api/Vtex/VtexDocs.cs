using System.Text.Json.Nodes;
using Cargamos.Modular.Application.Vtex;
using Cargamos.Modular.Domain.Shipments;
using Microsoft.AspNetCore.OpenApi;
using Cargamos.Modular.Api.Common;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>The OpenAPI document where the VTEX schemas need more than the types say.</summary>
internal static class VtexDocs
{
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        // PATCH accepts only the statuses a carrier reports; CANCELED and ON_HOLD have their own hooks, CREATED is never reported.
        if (context.JsonTypeInfo.Type == typeof(UpdateServiceRequest) && schema.Properties is not null)
        {
            schema.Properties["status"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Enum = UpdateServiceValidator.Reportable.Select(s => (JsonNode)JsonValue.Create(s.ToCode())).ToList(),
                Description = "The status the carrier reports, through the transition table. CANCELED and ON_HOLD have their own hooks (cancel, on-hold).",
            };
        }

        return Task.CompletedTask;
    });

    /// <summary>What the validators require that <c>required</c> cannot say (after RequiredFromValidation).</summary>
    public static void DescribeConditions(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (context.JsonTypeInfo.Type == typeof(VtexLocationRequest))
        {
            ConditionalRequirements.Together(schema, "latitude", "longitude");
        }

        return Task.CompletedTask;
    });
}
