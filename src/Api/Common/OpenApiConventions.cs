using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Api.Vtex;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>Endpoint metadata: a response header the endpoint sends on the given statuses (every 2xx when none is named).</summary>
public sealed record ResponseHeaderMetadata(string Name, string Description, IReadOnlyList<int> Statuses);

/// <summary>Endpoint metadata: a request header the endpoint reads (optional).</summary>
public sealed record RequestHeaderMetadata(string Name, string Description, int? MaxLength, string Example);

/// <summary>
/// Every response code and header the API can send, in the OpenAPI document, so that a generated client maps each error
/// to the envelope and knows the headers. An endpoint declares what is its own (<c>Produces</c>, <see cref="WithResponseHeader"/>,
/// <see cref="WithRequestHeader"/>); what follows from the pipeline is added here by convention, for endpoints added later too:
/// 500 and 503 everywhere (an unexpected failure, the database unavailable or load shed), 401 and 403 where a caller must be
/// authenticated (403 also for a suspended organization, on every endpoint), 400/413/415 for a body, 400 for query parameters,
/// 404 for path parameters, 429 where a rate limit or an authentication back-off applies; <c>X-Process-Id</c> on every answer,
/// <c>Retry-After</c> on 429 and 503, <c>Location</c> on 201. Error bodies are the <see cref="ErrorEnvelope"/>, or the
/// <see cref="ProtocolErrorEnvelope"/> on the VTEX-facing routes (docs/errors.md).
/// </summary>
public static class OpenApiConventions
{
    public const string RetryAfter = "Retry-After";
    public const string Location = "Location";
    public const string ETag = "ETag";
    public const string ContentDisposition = "Content-Disposition";
    public const string IdempotentReplayed = "Idempotent-Replayed";

    private static readonly Dictionary<string, (string Description, JsonSchemaType Type, string? Format)> Headers = new()
    {
        [ProcessId.Header] = ("The request's processId (the envelope's `processId`, the log scope, the correlation id of every event it recorded): quote it to support.", JsonSchemaType.String, "uuid"),
        [RetryAfter] = ("Seconds to wait before sending the same request again.", JsonSchemaType.Integer, null),
        [Location] = ("The path of what was created.", JsonSchemaType.String, null),
        [ETag] = ("The shipment's version, quoted (`\"3\"`): send it as `If-Match` to change the shipment only if it is still at that version.", JsonSchemaType.String, null),
        [ContentDisposition] = ("`inline` or `attachment`, with the file name a download should take.", JsonSchemaType.String, null),
        [IdempotentReplayed] = ("`true` when the answer is the one kept for this `Idempotency-Key` (a retry), absent on the first answer.", JsonSchemaType.String, null),
    };

    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "Field errors (all at once), malformed JSON, a wrong JSON type, an unknown enum value: `INVALID_PARAMETER`, `MISSING_PARAMETER`.",
        [401] = "No, expired or forged credentials, or a token of another audience: `UNAUTHORIZED`.",
        [403] = "The role may not do it, the organization is suspended (`ACCOUNT_SUSPENDED`) or the contract is not valid: `FORBIDDEN`.",
        [404] = "Not found, or not yours (existence does not leak): `NOT_FOUND`.",
        [409] = "A business rule, a duplicate, a refused transition or a concurrent change.",
        [413] = "The body is over its limit (256 KB for JSON): `PAYLOAD_TOO_LARGE`.",
        [415] = "The body is not of an accepted media type: `UNSUPPORTED_MEDIA_TYPE`.",
        [422] = "The `Idempotency-Key` was used for another request: `IDEMPOTENCY_KEY_REUSED`.",
        [429] = "Too many requests or failed authentications from your address: `TOO_MANY_REQUESTS`; retry after `Retry-After`.",
        [500] = "An unexpected failure: `INTERNAL_ERROR`, with only the processId to quote.",
        [503] = "The database is unavailable or the API is shedding load: `SERVICE_UNAVAILABLE`; nothing was changed, retry after `Retry-After`.",
    };

    /// <summary>Declares a response header the endpoint sends (on every 2xx when no status is given).</summary>
    public static TBuilder WithResponseHeader<TBuilder>(this TBuilder builder, string name, string? description = null, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseHeaderMetadata(name, description ?? Headers[name].Description, statuses));

    /// <summary>Declares an optional request header the endpoint reads.</summary>
    public static TBuilder WithRequestHeader<TBuilder>(this TBuilder builder, string name, string description, string example, int? maxLength = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestHeaderMetadata(name, description, maxLength, example));

    public static void Describe(OpenApiOptions options)
    {
        // Schemas are named after their type; two types of one name would silently share one schema (the first one seen).
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, Type>(StringComparer.Ordinal);
        options.CreateSchemaReferenceId = type =>
        {
            var id = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            var named = Nullable.GetUnderlyingType(type.Type) ?? type.Type; // T? is described as T
            if (id is not null && names.GetOrAdd(id, named) is var first && first != named)
            {
                throw new InvalidOperationException(
                    $"The OpenAPI schema name {id} would describe both {first.FullName} and {named.FullName}: rename one of them.");
            }

            return id;
        };
        options.AddSchemaTransformer(CorrectSchema);
        options.AddOperationTransformer(DescribeResponses);

        // A JsonElement is any JSON value but null: the API writes a missing one as null, which the property allows (oneOf: null
        // or it); as the empty schema it would match null too, and oneOf refuses a value that two alternatives match.
        options.AddDocumentTransformer((document, _, _) =>
        {
            if (document.Components?.Schemas?.TryGetValue(nameof(System.Text.Json.JsonElement), out var any) == true && any is OpenApiSchema { Type: null } element)
            {
                element.Type = JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean;
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// What the schema generator cannot see: strings go through <see cref="TextConverter"/>, so it leaves their type out
    /// (a generated client would then read every text as an untyped node); a property written only when not null
    /// (<c>JsonIgnoreCondition.WhenWritingNull</c>) is not required; an enum is a string.
    /// </summary>
    private static Task CorrectSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null && schema.Enum is null)
        {
            var nullable = context.JsonPropertyInfo is { } property && (property.IsGetNullable || property.IsSetNullable);
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        // An enum's schema is shared by T and T?; when T? is met first, null lands among the values, and a nullable property
        // (oneOf: null or the enum) then matches twice, which oneOf refuses. Nullability belongs to the property.
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type).IsEnum && schema.Enum is { Count: > 0 } values)
        {
            schema.Enum = values.Where(v => v is not null).ToList();
            schema.Type ??= JsonSchemaType.String;
        }

        if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object && schema.Required is { Count: > 0 })
        {
            foreach (var omitted in context.JsonTypeInfo.Properties.Where(p => p.ShouldSerialize is not null))
            {
                schema.Required.Remove(omitted.Name);
            }
        }

        return Task.CompletedTask;
    }

    private static async Task DescribeResponses(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs without its document.");
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var errorType = metadata.OfType<ProtocolErrors>().Any() ? typeof(ProtocolErrorEnvelope) : typeof(ErrorEnvelope);
        var errorSchema = await context.GetOrCreateSchemaAsync(errorType, null, ct);
        document.AddComponent(errorType.Name, errorSchema);

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var authenticated = !anonymous && (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any());
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        var parameters = operation.Parameters ?? [];

        var statuses = new List<int> { 500, 503 };
        if (authenticated)
        {
            statuses.AddRange([401, 403]);
        }

        if (operation.RequestBody is not null)
        {
            statuses.AddRange([400, 413, 415]);
        }

        if (parameters.Any(p => p.In == ParameterLocation.Query))
        {
            statuses.Add(400);
        }

        if (parameters.Any(p => p.In == ParameterLocation.Path))
        {
            statuses.Add(404);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any() || policies.Contains(VtexAppKeyAuthentication.Policy))
        {
            statuses.Add(429);
        }

        operation.Responses ??= new OpenApiResponses();
        foreach (var status in statuses.Distinct())
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = Descriptions[status],
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(errorType.Name, document) },
                    },
                };
            }
        }

        // A file answer (Produces(200, contentType: "text/csv")) is declared without a type: the generator leaves its content
        // out, and when the same status also answers JSON (content negotiation) it keeps only the last declaration.
        foreach (var produced in metadata.OfType<IProducesResponseTypeMetadata>())
        {
            var key = produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var response) || response is not OpenApiResponse answer)
            {
                continue;
            }

            answer.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var contentType in produced.ContentTypes.Where(c => !answer.Content.ContainsKey(c)))
            {
                answer.Content[contentType] = new OpenApiMediaType
                {
                    Schema = produced.Type is null || produced.Type == typeof(void)
                        ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                        : await context.GetOrCreateSchemaAsync(produced.Type, null, ct),
                };
            }
        }

        var declared = metadata.OfType<ResponseHeaderMetadata>().ToList();
        foreach (var (key, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete || !int.TryParse(key, out var status))
            {
                continue;
            }

            // The generator's reason phrases ("Unauthorized") say less than what the status means here.
            if (Descriptions.TryGetValue(status, out var description)
                && (string.IsNullOrEmpty(concrete.Description) || concrete.Description == ReasonPhrases.GetReasonPhrase(status)))
            {
                concrete.Description = description;
            }

            AddHeader(concrete, document, ProcessId.Header);
            if (status is 429 or 503)
            {
                AddHeader(concrete, document, RetryAfter);
            }

            if (status == 201)
            {
                AddHeader(concrete, document, Location);
            }

            foreach (var header in declared.Where(h => h.Statuses.Count == 0 ? status is >= 200 and < 300 : h.Statuses.Contains(status)))
            {
                AddHeader(concrete, document, header.Name, header.Description);
            }
        }

        foreach (var header in metadata.OfType<RequestHeaderMetadata>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = false,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = header.MaxLength },
                Example = JsonValue.Create(header.Example),
            });
        }
    }

    private static void AddHeader(OpenApiResponse response, OpenApiDocument document, string name, string? description = null)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        if (response.Headers.ContainsKey(name))
        {
            return;
        }

        if (description is null || (Headers.TryGetValue(name, out var known) && known.Description == description))
        {
            // The common headers are components, described once.
            document.Components ??= new OpenApiComponents();
            document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (!document.Components.Headers.ContainsKey(name))
            {
                var (text, type, format) = Headers[name];
                document.Components.Headers[name] = new OpenApiHeader { Description = text, Schema = new OpenApiSchema { Type = type, Format = format } };
            }

            response.Headers[name] = new OpenApiHeaderReference(name, document);
            return;
        }

        response.Headers[name] = new OpenApiHeader
        {
            Description = description,
            Schema = new OpenApiSchema { Type = Headers.TryGetValue(name, out var common) ? common.Type : JsonSchemaType.String },
        };
    }
}
