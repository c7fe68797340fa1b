using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Errors;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The examples of the OpenAPI document: every JSON request body and every JSON answer has one, so a reader of the reference
/// (Scalar) or of a generated client sees a real exchange. They are real answers of the API, captured from a scripted session
/// against <c>./run.sh</c> (<c>scripts/capture-openapi-examples.py</c> writes <c>OpenApiExamples.json</c>, embedded here), keyed by
/// operation id and status; the errors of the pipeline (<see cref="OpenApiConventions"/>) share one example per status and shape
/// (<c>_errors</c>, <c>_protocolErrors</c>), and the three a script cannot provoke (429, 500, 503) are written here through the
/// same mapping the exception handler uses. OpenApiExampleTests check that nothing lacks an example and that each one is valid
/// under its schema.
/// </summary>
public static class OpenApiExamples
{
    public const string ResourceName = "Cargamos.Modular.Api.OpenApiExamples.json";

    private static readonly Lazy<JsonObject> Captured = new(Load);

    public static void Describe(OpenApiOptions options) => options.AddOperationTransformer(Add);

    private static JsonObject Load()
    {
        using var stream = typeof(OpenApiExamples).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        return JsonNode.Parse(stream)!.AsObject();
    }

    private static Task Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var captured = operation.OperationId is { } id ? Captured.Value[id] : null;
        var protocol = context.Description.ActionDescriptor.EndpointMetadata.OfType<ProtocolErrors>().Any();

        if (captured?["request"] is { } request && JsonMedia(operation.RequestBody?.Content) is { } body)
        {
            body.Example = request.DeepClone();
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (JsonMedia(response.Content) is { } media
                && (captured?["responses"]?[status] ?? Generic(protocol ? "_protocolErrors" : "_errors", status, protocol)) is { } example)
            {
                media.Example = example.DeepClone();
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiMediaType? JsonMedia(IDictionary<string, OpenApiMediaType>? content) =>
        content is not null && content.TryGetValue("application/json", out var media) ? media : null;

    private static JsonNode? Generic(string shape, string status, bool protocol)
    {
        if (Captured.Value[shape]?["responses"]?[status] is { } captured)
        {
            return captured;
        }

        const string processId = "01a23254-8942-7d75-bd2b-ce003dfab1b1";
        var error = status switch
        {
            "429" => ExceptionMapper.Map(AppError.TooManyRequests(
                "Too many attempts from your address; the next one is accepted in 30 s (Retry-After).", TimeSpan.FromSeconds(30)), processId, "request.body"),
            "500" => ExceptionMapper.Map(new InvalidOperationException(), processId, "request.body"),
            "503" => (503, [ExceptionMapper.DatabaseUnavailable]),
            _ => ((int Status, IReadOnlyList<ErrorItem> Errors)?)null,
        };
        if (error is not var (code, errors))
        {
            return null;
        }

        var envelope = new ErrorEnvelope(StatusNames.ApiVersion, StatusNames.For(code), processId, 1796140730690, errors);
        object shaped = protocol ? ProtocolErrorEnvelope.Of(envelope) : envelope;
        return JsonSerializer.SerializeToNode(shaped, shaped.GetType(), ApiJson.Options);
    }
}
