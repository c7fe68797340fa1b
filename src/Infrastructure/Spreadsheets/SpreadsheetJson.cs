using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>The JSON of the lot tables' jsonb columns (errors, layout, uploader).</summary>
internal static class SpreadsheetJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}
