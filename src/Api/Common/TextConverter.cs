using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cargamos.Modular.Api.Common;

/// <summary>A JSON string the API does not accept as text (answered 400 INVALID_PARAMETER naming the field).</summary>
public sealed class UnacceptableTextException(string reason) : JsonException(reason);

/// <summary>
/// Every string of a request body: JSON may escape characters that no stored text may hold, a NUL (<c>\u0000</c>: PostgreSQL
/// refuses it in jsonb and text) or half of a surrogate pair (<c>\ud800</c> alone: not Unicode). Both are refused where they
/// are read, with the field's path, before anything reaches a use case or the database.
/// </summary>
public sealed class TextConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException(); // the serializer's own "could not be converted to System.String" with the path
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new UnacceptableTextException("The value holds an unpaired surrogate escape (\\ud800-\\udfff alone), which is not Unicode text.");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new UnacceptableTextException("The value holds a NUL character (\\u0000), which is not accepted in text.");
        }

        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
