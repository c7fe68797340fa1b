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
    UnprocessableContent,
    TooManyRequests,
    ServiceUnavailable,
}

/// <summary>One error of the Cargamos envelope: <c>{code, message, details, location, parameter}</c>.</summary>
public sealed record ErrorDetail(string Code, string Message, string Details, string? Parameter = null, string Location = "request.body");

/// <summary>
/// An expected failure of a use case, with one or more errors of the same kind. The API's one error writer turns
/// it into the Cargamos envelope with the HTTP status of <see cref="Kind"/>.
/// </summary>
public class AppError : Exception
{
    public AppError(ErrorKind kind, IReadOnlyList<ErrorDetail> errors)
        : base(errors.Count > 0 ? errors[0].Message : "Error")
    {
        Kind = kind;
        Errors = errors;
    }

    public AppError(ErrorKind kind, string code, string message, string details, string? parameter = null, string location = "request.body")
        : this(kind, [new ErrorDetail(code, message, details, parameter, location)])
    {
    }

    public ErrorKind Kind { get; }

    /// <summary>When the caller may try again (429 and 503 answers carry it as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public IReadOnlyList<ErrorDetail> Errors { get; }

    public string Code => Errors[0].Code;

    public string Details => Errors[0].Details;

    public static AppError NotFound(string what, string id, string parameter = "id") =>
        new(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
            $"There is no {what} with id '{id}' visible to you.", parameter, "request.path");

    public static AppError TooManyRequests(string details, TimeSpan retryAfter, string? parameter = null, string location = "request") =>
        new(ErrorKind.TooManyRequests, "TOO_MANY_REQUESTS", "Too many requests; try again later.", details, parameter, location)
        {
            RetryAfter = retryAfter,
        };

    public static AppError Busy(string details, TimeSpan retryAfter) =>
        new(ErrorKind.ServiceUnavailable, "SERVICE_UNAVAILABLE", "The service is busy; try again shortly.", details, null, "server")
        {
            RetryAfter = retryAfter,
        };

    public static AppError Unauthorized(string details) =>
        new(ErrorKind.Unauthorized, "UNAUTHORIZED", "Authentication is required or the credentials are not valid.", details, null, "request.header");

    public static AppError Forbidden(string code, string details) =>
        new(ErrorKind.Forbidden, code, "You are not allowed to perform this operation.", details, null, "request");

    public static AppError Conflict(string code, string message, string details, string? parameter = null) =>
        new(ErrorKind.Conflict, code, message, details, parameter);

    public static AppError InvalidParameter(string details, string parameter, string location = "request.query") =>
        new(ErrorKind.BadRequest, "INVALID_PARAMETER", "A value provided as parameter is not valid for the request.", details, parameter, location);
}
