using System.Text.Json.Serialization;

namespace Cargamos.Modular.Api.Errors;

/// <summary>One error of the Cargamos envelope. <c>parameter</c> is a dotted JSON path (recipientLocation.postalCode).</summary>
public sealed record ErrorItem(string Code, string Message, string Details, string Location, string? Parameter);

/// <summary>The Cargamos error envelope: <c>{version, status, processId, timestamp, errors[]}</c>.</summary>
public sealed record ErrorEnvelope(string Version, string Status, string ProcessId, long Timestamp, IReadOnlyList<ErrorItem> Errors);

/// <summary>The Cargamos success envelope. Login has no processId in the document, so it may be omitted.</summary>
public sealed record ApiEnvelope<T>(
    string Version,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProcessId,
    long Timestamp,
    T Data);

public static class StatusNames
{
    public const string ApiVersion = "1.0.0";

    public static string For(int status) => status switch
    {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        400 => "BAD_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        406 => "NOT_ACCEPTABLE",
        409 => "CONFLICT",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "UNPROCESSABLE_ENTITY",
        428 => "PRECONDITION_REQUIRED",
        429 => "TOO_MANY_REQUESTS",
        503 => "SERVICE_UNAVAILABLE",
        >= 500 => "INTERNAL_SERVER_ERROR",
        _ => "BAD_REQUEST",
    };
}
