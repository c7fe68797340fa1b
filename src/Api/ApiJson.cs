using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Cargamos.Modular.Api.Common;

namespace Cargamos.Modular.Api;

/// <summary>
/// The API's JSON: camelCase, enums as the documents spell them (ON_ROUTE, END_CLIENT_CANCELED), numbers never as strings,
/// at most 32 levels deep, every property at most once.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;

        // No request nests deeper than a few levels, and a property given twice is ambiguous (which one did the client
        // mean, and which one did a proxy or a WAF check?): both are refused (400) rather than guessed.
        options.MaxDepth = 32;
        options.AllowDuplicateProperties = false;

        // Spanish and Portuguese text and quotes stay readable; the API only ever answers application/json.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.Converters.Add(new TextConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(TextLimits.Apply);
        return options;
    }
}
