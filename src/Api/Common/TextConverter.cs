using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Reflection;
using Cargamos.Modular.Application.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>A JSON string the API does not accept as text (answered 400 INVALID_PARAMETER naming the field).</summary>
public sealed class UnacceptableTextException(string reason) : JsonException(reason);

/// <summary>
/// Every string of a request body: JSON may escape characters that no stored text may hold, a NUL (<c>\u0000</c>: PostgreSQL
/// refuses it in jsonb and text) or half of a surrogate pair (<c>\ud800</c> alone: not Unicode). Both are refused where they
/// are read, with the field's path, before anything reaches a use case or the database; so is a string longer than its
/// field's limit (<see cref="TextLimits"/>: 2,000 characters unless the field says otherwise).
/// </summary>
public sealed class TextConverter(int maxLength = TextLimits.Default) : JsonConverter<string>
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

        if (text.Length > maxLength)
        {
            throw new UnacceptableTextException(string.Create(CultureInfo.InvariantCulture,
                $"The value has {text.Length:N0} characters; at most {maxLength:N0} are accepted."));
        }

        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>
/// The longest string each request field accepts, enforced as the body is read (<see cref="TextConverter"/>) and
/// published in the OpenAPI document as <c>maxLength</c>: 2,000 characters unless listed here. Fields with a tighter
/// rule of their own (a 100-character city) keep it; this is the ceiling under which nothing reaches a use case.
/// </summary>
public static class TextLimits
{
    public const int Default = 2_000;

    /// <summary>The field's <see cref="TextLimitAttribute"/>, else the ceiling.</summary>
    public static int For(ICustomAttributeProvider? member) =>
        member?.GetCustomAttributes(typeof(TextLimitAttribute), inherit: true).OfType<TextLimitAttribute>().FirstOrDefault()?.MaxLength ?? Default;

    /// <summary>A resolver modifier: each string property of a request reads through a <see cref="TextConverter"/> of its limit.</summary>
    public static void Apply(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in info.Properties)
        {
            if (property.PropertyType == typeof(string) && property.CustomConverter is null && For(property.AttributeProvider) is var limit && limit != Default)
            {
                property.CustomConverter = new TextConverter(limit);
            }
        }
    }

    /// <summary>The OpenAPI side: <c>maxLength</c> on every string property of a schema that has none.</summary>
    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is null)
        {
            return Task.CompletedTask;
        }

        foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.PropertyType == typeof(string)))
        {
            if (schema.Properties.TryGetValue(property.Name, out var found) && found is OpenApiSchema { MaxLength: null } text)
            {
                text.MaxLength = For(property.AttributeProvider);
            }
        }

        return Task.CompletedTask;
    });
}
