using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Common;
using FluentValidation;
using FluentValidation.Results;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Errors;

/// <summary>Turns any exception into an HTTP status and the envelope's error items. Never exposes internals.</summary>
public static partial class ExceptionMapper
{
    public const string InvalidParameterMessage = ValidationErrors.InvalidParameterMessage;
    public const string MissingParameterMessage = ValidationErrors.MissingParameterMessage;

    public static readonly ErrorItem UnsupportedMediaType = new("UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON.",
        "Send the body with 'Content-Type: application/json'.", "request.header", "Content-Type");

    public static readonly ErrorItem DatabaseUnavailable = new("SERVICE_UNAVAILABLE", "The service is temporarily unavailable.",
        $"The database cannot be reached; nothing was changed. Retry after {DatabaseUnavailability.RetryAfter.TotalSeconds:0} seconds (Retry-After).", "server", null);

    public static (int Status, IReadOnlyList<ErrorItem> Errors) Map(Exception exception, HttpContext context) =>
        Map(exception, ProcessId.Of(context),
            HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method) ? "request.query" : "request.body");

    /// <summary>
    /// As <see cref="Map(Exception, HttpContext)"/> for a request with that processId, whose validated input arrived at
    /// <paramref name="validationLocation"/> (<c>request.query</c>, <c>request.body</c>); also used outside HTTP (the operations commands).
    /// </summary>
    public static (int Status, IReadOnlyList<ErrorItem> Errors) Map(Exception exception, string processId, string validationLocation) => exception switch
    {
        AppError e => (StatusOf(e.Kind), e.Errors.Select(d => new ErrorItem(d.Code, d.Message, d.Details, d.Location, d.Parameter)).ToList()),
        ValidationException e => (400, e.Errors.Select(f => FromValidation(f, validationLocation)).ToList()),
        DomainRuleViolation e => (409, [new ErrorItem(e.Code, e.Message, e.Details, "request.body", null)]),
        BadHttpRequestException e => FromBadRequest(e),
        JsonException e => (400, [FromJson(e)]),
        InvalidUtf8BodyException e => (400, [new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage,
            $"{e.Message} Send the JSON encoded as UTF-8.", "request.body", null)]),
        _ when DatabaseUnavailability.Is(exception) => (503, [DatabaseUnavailable]),
        _ => (500, [new ErrorItem("INTERNAL_ERROR", "An unexpected error occurred.",
            $"The error was recorded with processId {processId}; quote it when contacting Cargamos.", "server", null)]),
    };

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => 400,
        ErrorKind.Unauthorized => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict => 409,
        ErrorKind.PayloadTooLarge => 413,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.UnprocessableContent => 422,
        ErrorKind.TooManyRequests => 429,
        ErrorKind.ServiceUnavailable => 503,
        _ => 500,
    };

    private static ErrorItem FromValidation(ValidationFailure failure, string location)
    {
        var d = ValidationErrors.ToDetail(failure, location);
        return new ErrorItem(d.Code, d.Message, d.Details, d.Location, d.Parameter);
    }

    private static (int, IReadOnlyList<ErrorItem>) FromBadRequest(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json)
        {
            return (400, [FromJson(json)]);
        }

        return e.StatusCode switch
        {
            413 => (413, [new ErrorItem("PAYLOAD_TOO_LARGE", "The request body is too large.", e.Message, "request.body", null)]),
            415 => (415, [UnsupportedMediaType]),
            _ when BindFailure().Match(e.Message) is { Success: true } m => (400, [new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage,
                $"The value '{m.Groups["value"].Value}' is not a valid {Describe(m.Groups["type"].Value)}.", "request.path", m.Groups["name"].Value)]),
            _ when e.Message.Contains("body", StringComparison.OrdinalIgnoreCase) => (400, [new ErrorItem("MISSING_PARAMETER", MissingParameterMessage,
                "The request needs a JSON body.", "request.body", null)]),
            _ => (e.StatusCode, [new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage, "The request could not be read.", "request", null)]),
        };
    }

    /// <summary>Malformed JSON, a wrong JSON type or an unknown enum value, named by its dotted path.</summary>
    public static ErrorItem FromJson(JsonException e)
    {
        var parameter = ToJsonPath(e.Path);
        if (e is UnacceptableTextException)
        {
            return new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage, e.Message.Split(" Path:")[0], "request.body", parameter);
        }

        if (DuplicateProperty().Match(e.Message) is { Success: true } duplicate)
        {
            return new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage,
                $"The property '{duplicate.Groups["name"].Value}' is given more than once; send each property once.", "request.body", parameter);
        }

        var converted = ConvertedTo().Match(e.Message);
        string details;
        if (converted.Success)
        {
            // System.Text.Json names the type being read (the body's type), not the field's: walk the path to the field.
            // It names the object being read when the value failed (the root, or the nested object that holds the
            // field), sometimes the field's own type: try the path's suffixes from that type.
            var named = ResolveType(converted.Groups["type"].Value);
            var segments = (e.Path ?? "$").TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
            var type = Enumerable.Range(0, segments.Length + 1)
                .Select(skip => skip == segments.Length
                    ? (named is null ? null : Nullable.GetUnderlyingType(named) ?? named)
                    : FieldType(named, "$." + string.Join('.', segments.Skip(skip))))
                .FirstOrDefault(t => t is not null);
            details = type is { IsEnum: true }
                ? $"Value is not a valid enumeration member; permitted: {string.Join(", ", EnumNames(type).Select(n => $"'{n}'"))}."
                : $"Value has the wrong type: expected {Describe(type?.Name ?? converted.Groups["type"].Value)}.";
        }
        else if (parameter is null && e.LineNumber is null)
        {
            details = "The request body is empty or is not JSON.";
        }
        else
        {
            details = $"The request body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).";
        }

        return new ErrorItem("INVALID_PARAMETER", InvalidParameterMessage, details, "request.body", parameter);
    }

    public static string? ToJsonPath(string? path) => ValidationErrors.ToJsonPath(path);

    public static IEnumerable<string> EnumNames(Type enumType) =>
        Enum.GetNames(enumType).Select(n => JsonNamingPolicy.SnakeCaseUpper.ConvertName(n));

    private static Type? FieldType(Type? root, string? path)
    {
        var type = root;
        var segments = (path ?? "$").TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
        foreach (var segment in segments)
        {
            if (type is null)
            {
                return null;
            }

            var name = segment.Split('[')[0];
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            type = property is null ? null : Unwrap(property.PropertyType, indexed: segment.Contains('[', StringComparison.Ordinal));
        }

        return type is null ? null : Unwrap(type, indexed: false);
    }

    private static Type Unwrap(Type type, bool indexed)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (indexed)
        {
            var element = type.IsArray ? type.GetElementType()
                : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            type = element is null ? type : Nullable.GetUnderlyingType(element) ?? element;
        }

        return type;
    }

    private static Type? ResolveType(string name)
    {
        var clean = name.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']').Split(',')[0];
        return Type.GetType(clean) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("Cargamos", StringComparison.Ordinal) == true)
            .Select(a => a.GetType(clean) ?? a.GetType(clean.Replace('.', '+'))
                ?? a.GetTypes().FirstOrDefault(t => t.FullName?.Replace('+', '.') == clean))
            .FirstOrDefault(t => t is not null);
    }

    private static string Describe(string typeName) => typeName switch
    {
        "Int32" or "Int64" or "Decimal" or "Double" or "Single" or "int" or "long" or "decimal" or "double" => "number",
        "Boolean" or "bool" => "boolean (true or false)",
        "String" or "string" => "string",
        "DateTimeOffset" or "DateTime" => "ISO 8601 date-time with offset (2026-11-28T10:00:00-06:00)",
        "Guid" => "UUID",
        _ when typeName.Contains("List", StringComparison.Ordinal) || typeName.EndsWith("[]", StringComparison.Ordinal) => "array",
        _ => "object",
    };

    [GeneratedRegex("^Duplicate property '(?<name>[^']*)' encountered")]
    private static partial Regex DuplicateProperty();

    [GeneratedRegex("converted to (?<type>[^.\\s][^\\s]*?)\\. Path")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex("Failed to bind parameter \"(?<type>[^\"]+?) (?<name>[^\" ]+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();
}
