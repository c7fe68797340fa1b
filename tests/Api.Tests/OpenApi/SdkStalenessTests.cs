using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Cargamos.Modular.Api.Tests.OpenApi;

/// <summary>
/// The committed SDK is not stale: <c>sdk/dotnet/openapi.json</c> is the document the API serves now, and the generated client
/// was generated from that file (docs/sdk.md). Neither check runs Kiota; <c>sdk/dotnet/generate.sh</c> does, and writes
/// the document through this test (<c>CARGAMOS_WRITE_OPENAPI</c>).
/// </summary>
public sealed class SdkStalenessTests(OpenApiDocumentFactory api) : IClassFixture<OpenApiDocumentFactory>
{
    private const string Regenerate = "The SDK is stale: run sdk/dotnet/generate.sh and commit what it changes.";
    private static readonly string CommittedDocument = Repository.PathOf("sdk/dotnet/openapi.json");
    private static readonly string GeneratedFolder = Repository.PathOf("sdk/dotnet/src/Cargamos.Sdk/Generated");

    [Fact]
    public async Task The_committed_sdk_document_is_the_document_the_api_serves()
    {
        var live = await api.Document();
        if (Environment.GetEnvironmentVariable("CARGAMOS_WRITE_OPENAPI") is { Length: > 0 } target)
        {
            await File.WriteAllTextAsync(target, live);
        }

        Assert.True(File.Exists(CommittedDocument), $"{CommittedDocument} is missing. {Regenerate}");
        var difference = FirstDifference(JsonNode.Parse(await File.ReadAllTextAsync(CommittedDocument)), JsonNode.Parse(live), "$");
        Assert.True(difference is null, $"{Regenerate}\nFirst difference between sdk/dotnet/openapi.json and /openapi/v1.json: {difference}");
    }

    [Fact]
    public async Task The_generated_client_was_generated_from_the_committed_document()
    {
        var lockFile = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(GeneratedFolder, "kiota-lock.json")))!;
        var tools = JsonNode.Parse(await File.ReadAllTextAsync(Repository.PathOf(".config/dotnet-tools.json")))!;
        Assert.Equal(tools["tools"]!["microsoft.openapi.kiota"]!["version"]!.GetValue<string>(), lockFile["kiotaVersion"]!.GetValue<string>());
        Assert.Equal("CargamosApiClient", lockFile["clientClassName"]!.GetValue<string>());
        Assert.EndsWith("openapi.json", lockFile["descriptionLocation"]!.GetValue<string>(), StringComparison.Ordinal);

        // generate.sh records the SHA-256 of the document it generated from, next to Kiota's own lock file.
        var recorded = (await File.ReadAllTextAsync(Path.Combine(GeneratedFolder, "openapi.sha256"))).Trim();
        var actual = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(CommittedDocument)));
        Assert.True(recorded == actual, $"The generated client came from another document (sha256 {recorded}, sdk/dotnet/openapi.json is {actual}). {Regenerate}");
    }

    /// <summary>The path and values of the first difference between two documents, or null when they are equal.</summary>
    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key} is {(e.ContainsKey(key) ? "committed but no longer served" : "served but not committed")}";
                    }

                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{path} has {e.Count} items committed, {a.Count} served";
                    }

                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null
                    : $"{path}: committed {expected?.ToJsonString() ?? "null"}, served {actual?.ToJsonString() ?? "null"}";
        }
    }
}
