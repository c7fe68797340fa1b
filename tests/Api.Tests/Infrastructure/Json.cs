using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonElement> Body(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the Cargamos error envelope exactly: its keys, status name, processId header and epoch-ms timestamp.</summary>
    public static async Task<JsonElement> AssertEnvelope(this HttpResponseMessage response, HttpStatusCode status, string statusName)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Body();
        if (IsVtexFacing(response))
        {
            // The current VTEX protocol's error bodies: message and requestId at the top level (a route's unknown service also code).
            string[] vtex = body.TryGetProperty("code", out _)
                ? ["version", "status", "processId", "timestamp", "errors", "type", "code", "data", "date", "message", "requestId"]
                : ["version", "status", "processId", "timestamp", "errors", "message", "requestId"];
            Assert.Equal(vtex, body.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.Equal(body.GetProperty("processId").GetString(), body.GetProperty("requestId").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        }
        else
        {
            Assert.Equal(new[] { "version", "status", "processId", "timestamp", "errors" }, body.EnumerateObject().Select(p => p.Name).ToArray());
        }

        Assert.Equal("1.0.0", body.GetProperty("version").GetString());
        Assert.Equal(statusName, body.GetProperty("status").GetString());
        var processId = body.GetProperty("processId").GetString();
        Assert.True(Guid.TryParse(processId, out _));
        Assert.Equal(processId, response.Headers.GetValues("X-Process-Id").Single());
        var timestamp = body.GetProperty("timestamp").GetInt64();
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());
        var errors = body.GetProperty("errors");
        Assert.True(errors.GetArrayLength() > 0);
        foreach (var error in errors.EnumerateArray())
        {
            Assert.Equal(new[] { "code", "message", "details", "location", "parameter" }, error.EnumerateObject().Select(p => p.Name).ToArray());
        }

        return body;
    }

    public static JsonElement Error(this JsonElement envelope, int index = 0) => envelope.GetProperty("errors")[index];

    /// <summary>An answer of the endpoints VTEX and carriers call (<c>/vtex/*</c>, <c>/token</c>, <c>/tracking/hook/*</c>).</summary>
    public static bool IsVtexFacing(HttpResponseMessage response) =>
        response.RequestMessage?.RequestUri?.AbsolutePath is { } path
        && (path.StartsWith("/vtex/", StringComparison.Ordinal) || path == "/token" || path.StartsWith("/tracking/hook/", StringComparison.Ordinal));

    public static string? Str(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null ? null : element.GetProperty(property).GetString();
}
