using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document as a contract that real answers are checked against: the status is documented for the operation,
/// the media type too, a JSON body is valid under the documented schema (JSON Schema 2020-12, with every object closed so
/// an undocumented property fails too), and every header of <see cref="CheckedHeaders"/> that the answer carries is documented.
/// </summary>
public sealed class OpenApiContract(JsonObject document)
{
    /// <summary>The response headers a client acts on; each one sent must be in the document.</summary>
    public static readonly string[] CheckedHeaders = ["X-Process-Id", "ETag", "Location", "Retry-After", "Idempotent-Replayed", "Content-Disposition"];

    private readonly JsonObject definitions = Closed(Rewrite(document["components"]!["schemas"]!.DeepClone())).AsObject();

    public JsonObject Document => document;

    public static async Task<OpenApiContract> Load(HttpClient client)
    {
        using var response = await client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return new OpenApiContract(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Every operation of the document: (method, path, operation).</summary>
    public IEnumerable<(string Method, string Path, JsonObject Operation)> Operations() =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(o => o.Key is "get" or "put" or "post" or "delete" or "patch")
            .Select(o => (o.Key.ToUpperInvariant(), path.Key, o.Value!.AsObject())));

    /// <summary>The problems of one answer against the operation <paramref name="method"/> <paramref name="path"/> (a path template); empty when it conforms.</summary>
    public async Task<List<string>> Problems(HttpResponseMessage response, string method, string path)
    {
        var problems = new List<string>();
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var what = $"{method} {path} -> {status}";
        var operation = document["paths"]?[path]?[method.ToLowerInvariant()];
        if (operation is null)
        {
            return [$"{what}: the operation is not in the document"];
        }

        var documented = operation["responses"]?[status] ?? operation["responses"]?["default"];
        if (documented is null)
        {
            return [$"{what}: status {status} is not documented (documented: {string.Join(", ", operation["responses"]!.AsObject().Select(r => r.Key))})"];
        }

        documented = Resolve(documented);
        var headers = documented["headers"]?.AsObject();
        foreach (var header in CheckedHeaders.Where(h => response.Headers.NonValidated.Contains(h) || response.Content.Headers.NonValidated.Contains(h)))
        {
            if (headers is null || !headers.Any(h => string.Equals(h.Key, header, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{what}: the answer has header {header}, which is not documented");
            }
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var content = documented["content"]?.AsObject();
        if (body.Length == 0)
        {
            return problems;
        }

        var media = content?.FirstOrDefault(c => string.Equals(c.Key.Split(';')[0].Trim(), mediaType, StringComparison.OrdinalIgnoreCase)).Value;
        if (media is null)
        {
            problems.Add($"{what}: media type {mediaType} is not documented (documented: {string.Join(", ", content?.Select(c => c.Key) ?? [])})");
            return problems;
        }

        if (mediaType is not "application/json" || media["schema"] is not { } schema)
        {
            return problems;
        }

        var errors = SchemaErrors(schema, JsonDocument.Parse(body).RootElement);
        if (errors.Count > 0)
        {
            if (Environment.GetEnvironmentVariable("CARGAMOS_CONTRACT_DUMP") is { Length: > 0 } folder)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, $"{operation["operationId"]}-{status}.json"), body);
            }

            problems.Add($"{what}: the body does not match the documented schema:\n  {string.Join("\n  ", errors)}\n  body: {Truncate(System.Text.Encoding.UTF8.GetString(body))}");
        }

        return problems;
    }

    /// <summary>Why <paramref name="instance"/> is not valid under <paramref name="schema"/> (a schema of this document, objects closed); empty when it is.</summary>
    public List<string> SchemaErrors(JsonNode schema, JsonElement instance)
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = definitions.DeepClone(),
            ["allOf"] = new JsonArray(Closed(Rewrite(schema.DeepClone()))),
        };
        var evaluated = JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() })
            .Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        return evaluated.IsValid ? [] : Failures(evaluated).Distinct().Take(12).ToList();
    }

    /// <summary>The errors along the failing branches only (a passing oneOf's failed alternatives are no failure).</summary>
    private static IEnumerable<string> Failures(EvaluationResults node)
    {
        var children = (node.Details ?? []).Where(d => !d.IsValid).ToList();
        foreach (var error in node.Errors ?? new Dictionary<string, string>())
        {
            yield return $"{node.InstanceLocation} ({node.EvaluationPath}): {error.Value}";
        }

        foreach (var failure in children.SelectMany(Failures))
        {
            yield return failure;
        }
    }

    /// <summary>Asserts that the answer conforms, and returns it for further use.</summary>
    public async Task<HttpResponseMessage> Conforms(HttpResponseMessage response, string method, string path)
    {
        var problems = await Problems(response, method, path);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        return response;
    }

    /// <summary>The object schema <paramref name="schema"/> stands for: references followed, a nullable <c>oneOf</c> unwrapped; null for other schemas.</summary>
    public JsonObject? ObjectSchema(JsonNode schema)
    {
        var resolved = Resolve(schema);
        if (resolved["oneOf"] is JsonArray alternatives)
        {
            return alternatives.OfType<JsonNode>().Select(ObjectSchema).FirstOrDefault(a => a is not null);
        }

        return resolved["properties"] is JsonObject ? resolved.AsObject() : null;
    }

    /// <summary>The item schema of the array schema <paramref name="schema"/> stands for (references followed, a nullable <c>oneOf</c> unwrapped).</summary>
    public JsonNode ItemSchema(JsonNode schema)
    {
        var resolved = Resolve(schema);
        return resolved["items"] ?? resolved["oneOf"]!.AsArray().OfType<JsonNode>().Select(a => Resolve(a)["items"]).First(i => i is not null)!;
    }

    /// <summary>The node a <c>$ref</c> points at (followed to the end), or the node itself.</summary>
    public JsonNode Resolve(JsonNode node) =>
        node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal)
            ? Resolve(reference[2..].Split('/').Aggregate((JsonNode)document, (n, part) => n[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]!))
            : node;

    /// <summary>OpenAPI's <c>#/components/schemas/X</c> as the local <c>#/$defs/X</c> of the schema built for one answer.</summary>
    private static JsonNode Rewrite(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal))!;

    /// <summary>Every object schema that lists its properties accepts no other property (unless it says what others may be).</summary>
    private static JsonNode Closed(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["properties"] is JsonObject && !o.ContainsKey("additionalProperties") && !o.ContainsKey("unevaluatedProperties"))
                {
                    o["additionalProperties"] = false;
                }

                foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().ToList())
                {
                    Closed(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a.OfType<JsonNode>().ToList())
                {
                    Closed(child);
                }

                break;
        }

        return node;
    }

    /// <summary>The start of a body quoted in a failure message.</summary>
    internal static string Truncate(string text, int length = 600) => text.Length <= length ? text : text[..length] + "…";
}

public static class OpenApiRequests
{
    public static HttpRequestMessage Request(HttpMethod method, string path, JsonNode? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }
}
