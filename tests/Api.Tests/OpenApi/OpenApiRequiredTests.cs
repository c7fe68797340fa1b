using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>The API for the required-fields test (its own database: the examples are sent, some of them succeed).</summary>
public sealed class RequiredFieldsApiFactory : ApiFactory
{
    protected override string DatabasePrefix => "required";
}

/// <summary>
/// <c>required</c> in the document is what the API refuses to go without, checked by behaviour: each operation's request example
/// is sent with one of its fields left out (every field of the body and of the objects in it); a field the schema requires must
/// be refused with 400 naming it, and a field it does not require must not be (the request may still fail for another reason:
/// an id that does not exist, a duplicate). A generated client builds its models from <c>required</c>: a wrong one makes it
/// demand what the API does not need, or let through what the API refuses.
/// </summary>
public sealed class OpenApiRequiredTests(RequiredFieldsApiFactory api) : IClassFixture<RequiredFieldsApiFactory>
{
    private static readonly Dictionary<string, string> PathValues = new()
    {
        ["carrierId"] = CarrierClient.BlueExpress, ["serviceId"] = "CGM0000000000", ["id"] = "CGM0000000000",
        ["key"] = "demo-shipper", ["zoneId"] = "mx-required-fields", ["version"] = "1",
    };

    /// <summary>Required depending on a value, which JSON Schema's <c>required</c> cannot say; the field's description says when.</summary>
    private static readonly Dictionary<string, string> RequiredForSomeValues = new()
    {
        ["IntegrateDeliveryOrder packageInformation.cartaPorte"] = "required for deliveries in Mexico (the example's country)",
    };

    /// <summary>Operations that take another operation's body and check less of it (their description says what); only "refused though optional" is checked.</summary>
    private static readonly Dictionary<string, string> Lenient = new()
    {
        ["QuoteVtexService"] = "the service creation body; what a price does not depend on (receiver phone, location) may be left out",
    };

    [Fact]
    public async Task A_field_is_required_in_the_document_exactly_when_the_api_refuses_a_body_without_it()
    {
        using var documentClient = api.CreateClient();
        var contract = await OpenApiContract.Load(documentClient);
        using var shipper = await api.LoginAs(DemoUser.Shipper);
        using var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var carrier = await api.AsCarrier(CarrierClient.BlueExpressKey);
        using var vtex = api.Vtex();
        using var anonymous = api.CreateClient();

        var mismatches = new List<string>();
        var checkedFields = 0;
        foreach (var (method, path, operation) in contract.Operations())
        {
            if (operation["requestBody"]?["content"]?["application/json"] is not JsonObject media || media["example"] is not JsonNode example)
            {
                continue;
            }

            // A list body (notes, evidences): the fields of its first item, named as the API names them ("[0].note").
            var fields = example is JsonArray { Count: > 0 } list && list[0] is JsonObject first
                ? Fields(contract, contract.ItemSchema(media["schema"]!), first, "[0]")
                : example is JsonObject whole ? Fields(contract, media["schema"]!, whole, "") : [];

            var client = path switch
            {
                _ when path.StartsWith("/v1/admin", StringComparison.Ordinal) => operatorClient,
                _ when path.StartsWith("/tracking/hook", StringComparison.Ordinal) => carrier,
                _ when path.StartsWith("/vtex/", StringComparison.Ordinal) => vtex,
                "/token" => anonymous,
                _ => shipper,
            };
            var uri = PathValues.Aggregate(path, (p, v) => p.Replace("{" + v.Key + "}", v.Value, StringComparison.Ordinal));
            foreach (var (field, requiredInSchema) in fields)
            {
                checkedFields++;
                var required = requiredInSchema || RequiredForSomeValues.ContainsKey($"{operation["operationId"]} {field}");
                var body = example.DeepClone();
                Remove(body, field);
                using var request = OpenApiRequests.Request(new HttpMethod(method), uri, body);
                using var response = await client.SendAsync(request);
                var answer = await response.Content.ReadAsStringAsync();
                var named = (int)response.StatusCode == 400 && Named(JsonNode.Parse(answer)!, field);
                if (named != required && !(required && Lenient.ContainsKey(operation["operationId"]!.GetValue<string>())))
                {
                    mismatches.Add($"{operation["operationId"]} {field}: {(required ? "required in the document, but accepted without it" : "optional in the document, but refused without it")} " +
                                   $"-> {(int)response.StatusCode} {OpenApiContract.Truncate(answer, 300)}");
                }
            }
        }

        Assert.True(checkedFields > 100, $"only {checkedFields} fields checked");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} fields:\n" + string.Join("\n", mismatches));
    }

    /// <summary>
    /// Every field of the example (objects inside it too, not array items), with whether the schema requires it: listed in
    /// <c>required</c>, or in the <c>dependentRequired</c> of another field the example has.
    /// </summary>
    private static IEnumerable<(string Path, bool Required)> Fields(OpenApiContract contract, JsonNode schema, JsonObject example, string prefix)
    {
        var resolved = contract.ObjectSchema(schema);
        if (resolved is null)
        {
            yield break;
        }

        var required = resolved["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        foreach (var (present, dependents) in resolved["dependentRequired"]?.AsObject() ?? [])
        {
            if (example.ContainsKey(present))
            {
                required.UnionWith(dependents!.AsArray().Select(d => d!.GetValue<string>()));
            }
        }

        foreach (var (name, value) in example)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, required.Contains(name));
            if (value is JsonObject inner && resolved["properties"]?[name] is { } property)
            {
                foreach (var nested in Fields(contract, property, inner, path))
                {
                    yield return nested;
                }
            }
        }
    }

    private static void Remove(JsonNode body, string path)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(body, (node, part) => part == "[0]" ? node[0]! : node[part]!);
        parent.AsObject().Remove(parts[^1]);
    }

    /// <summary>An error of the envelope names the field (or something inside it).</summary>
    private static bool Named(JsonNode answer, string field) =>
        answer["errors"]?.AsArray().Any(e => e?["parameter"]?.GetValue<string>() is { } parameter
            && (string.Equals(parameter, field, StringComparison.OrdinalIgnoreCase)
                || parameter.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase)
                || parameter.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase))) == true;
}
