using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// The JSON conventions of the VTEX Pick and Pack document for its endpoints: camelCase, blank fields present as
/// null (never omitted), timestamps in UTC as YYYY-MM-DDTHH:mm:ss.sssZ (exactly three fraction digits).
/// </summary>
internal static class VtexJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>The VTEX answer wrapper: <c>{"message": "...", "data": ...}</c>.</summary>
    public sealed record Answer<T>(string Message, T Data);

    public static IResult Ok<T>(string message, T data) => TypedResults.Json(new Answer<T>(message, data), Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
        options.Converters.Add(new UtcMillisecondsConverter());
        return options;
    }

    /// <summary>Writes 2023-02-27T13:25:08.538Z; reads any ISO 8601 date-time.</summary>
    public sealed class UtcMillisecondsConverter : JsonConverter<DateTimeOffset>
    {
        public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}
