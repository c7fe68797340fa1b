using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>The JSON of our own tables' jsonb columns (errors, layouts, actors): web conventions, enums as names.</summary>
internal static class JsonColumns
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}
