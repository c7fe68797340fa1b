namespace Cargamos.Modular.Application.Common.Errors;

public enum ErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    ServiceUnavailable,
}

/// <summary>
/// An expected failure of a use case. The API's one error writer turns it into the Cargamos envelope
/// (<c>errors[{code, message, details, location, parameter}]</c>) with the status of <see cref="Kind"/>.
/// </summary>
public class AppError(ErrorKind kind, string code, string message, string details, string? parameter = null, string location = "request.body")
    : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public string Code { get; } = code;

    public string Details { get; } = details;

    public string? Parameter { get; } = parameter;

    public string Location { get; } = location;

    public static AppError NotFound(string what, string id, string parameter = "id") =>
        new(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
            $"There is no {what} with id '{id}' visible to you.", parameter, "request.path");

    public static AppError Unauthorized(string details) =>
        new(ErrorKind.Unauthorized, "UNAUTHORIZED", "Authentication is required or the credentials are not valid.", details, null, "request.header");

    public static AppError Conflict(string code, string message, string details, string? parameter = null) =>
        new(ErrorKind.Conflict, code, message, details, parameter);

    public static AppError InvalidParameter(string details, string parameter, string location = "request.query") =>
        new(ErrorKind.BadRequest, "INVALID_PARAMETER", "A value provided as parameter is not valid for the request.", details, parameter, location);
}
