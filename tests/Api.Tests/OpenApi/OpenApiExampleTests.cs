using System.Text.Json;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>
/// The document's examples (<see cref="OpenApiExamples"/>): every JSON request body and every JSON answer of every operation has
/// one, each is valid under the schema it illustrates (objects closed: an example with a field the schema lacks fails), and the
/// captured file names only operations and statuses the document has. After an API change: run ./run.sh and
/// scripts/capture-openapi-examples.py, review the diff, then sdk/dotnet/generate.sh.
/// </summary>
public sealed class OpenApiExampleTests(OpenApiDocumentFactory api) : IClassFixture<OpenApiDocumentFactory>
{
    private const string Recapture = "Run ./run.sh and python3 scripts/capture-openapi-examples.py, review the diff, then sdk/dotnet/generate.sh.";

    private async Task<OpenApiContract> Contract()
    {
        using var client = api.CreateClient();
        return await OpenApiContract.Load(client);
    }

    private static IEnumerable<(string What, JsonObject Media)> JsonMedia(OpenApiContract contract) =>
        contract.Operations().SelectMany(o =>
        {
            var what = $"{o.Operation["operationId"]} ({o.Method} {o.Path})";
            var request = o.Operation["requestBody"]?["content"]?["application/json"] is JsonObject body ? [($"{what} request", body)] : Array.Empty<(string, JsonObject)>();
            var answers = o.Operation["responses"]!.AsObject()
                .Select(r => (Status: r.Key, Media: contract.Resolve(r.Value!)["content"]?["application/json"] as JsonObject))
                .Where(r => r.Media is not null)
                .Select(r => ($"{what} {r.Status}", r.Media!));
            return request.Concat(answers);
        });

    [Fact]
    public async Task Every_json_request_body_and_every_json_answer_has_an_example()
    {
        var contract = await Contract();
        var media = JsonMedia(contract).ToList();
        Assert.True(media.Count > 300, $"only {media.Count} JSON bodies and answers in the document");

        var missing = media.Where(m => m.Media["example"] is null).Select(m => m.What).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} without an example. {Recapture}\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Every_example_is_valid_under_the_schema_it_illustrates()
    {
        var contract = await Contract();
        var failures = new List<string>();
        foreach (var (what, media) in JsonMedia(contract).Where(m => m.Media["example"] is not null))
        {
            var example = JsonDocument.Parse(media["example"]!.ToJsonString()).RootElement;
            if (contract.SchemaErrors(media["schema"]!, example) is { Count: > 0 } errors)
            {
                failures.Add($"{what}:\n  {string.Join("\n  ", errors)}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} examples do not match their schema. {Recapture}\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task The_captured_examples_name_only_documented_operations_and_statuses_and_say_their_status()
    {
        var contract = await Contract();
        var operations = contract.Operations().ToDictionary(o => o.Operation["operationId"]!.GetValue<string>(), o => o.Operation);
        using var stream = typeof(OpenApiExamples).Assembly.GetManifestResourceStream(OpenApiExamples.ResourceName)!;
        var captured = JsonNode.Parse(stream)!.AsObject();

        var problems = new List<string>();
        foreach (var (id, entry) in captured)
        {
            var generic = id is "_errors" or "_protocolErrors";
            if (!generic && !operations.ContainsKey(id))
            {
                problems.Add($"{id}: no operation has this id");
                continue;
            }

            if (!generic && entry!["request"] is not null && operations[id]["requestBody"]?["content"]?["application/json"] is null)
            {
                problems.Add($"{id}: a request example, but the operation takes no JSON body");
            }

            foreach (var (status, answer) in entry!["responses"]!.AsObject())
            {
                if (!generic && operations[id]["responses"]?[status] is null)
                {
                    problems.Add($"{id} {status}: the operation does not document this status");
                }

                if (generic && int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) < 400)
                {
                    problems.Add($"{id} {status}: only error statuses are shared");
                }

                // A Cargamos envelope says its status: an answer kept under the wrong status code shows here.
                if (answer?["version"] is not null && answer["status"]?.GetValue<string>() is { } named
                    && named != StatusNames.For(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    problems.Add($"{id} {status}: the envelope says {named}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{Recapture}\n" + string.Join("\n", problems));
        Assert.Contains("_errors", captured.Select(c => c.Key));
        Assert.Contains("_protocolErrors", captured.Select(c => c.Key));
    }
}
