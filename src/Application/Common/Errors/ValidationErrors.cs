using System.Text.RegularExpressions;
using FluentValidation.Results;

namespace Cargamos.Modular.Application.Common.Errors;

/// <summary>FluentValidation failures as envelope errors: MISSING_PARAMETER or INVALID_PARAMETER with a dotted JSON path.</summary>
public static partial class ValidationErrors
{
    public const string InvalidParameterMessage = "A value provided as parameter is not valid for the request.";
    public const string MissingParameterMessage = "A required parameter is missing.";

    public static ErrorDetail ToDetail(ValidationFailure failure, string defaultLocation)
    {
        var missing = IsMissing(failure);
        var code = missing ? "MISSING_PARAMETER"
            : UpperSnake().IsMatch(failure.ErrorCode ?? "") ? failure.ErrorCode! : "INVALID_PARAMETER";
        return new ErrorDetail(code, missing ? MissingParameterMessage : InvalidParameterMessage,
            failure.ErrorMessage, ToJsonPath(failure.PropertyName), failure.CustomState as string ?? defaultLocation);
    }

    /// <summary>A value left out: FluentValidation's NotNull / NotEmpty, or a check that says so (<see cref="MissingCode"/>).</summary>
    public static bool IsMissing(ValidationFailure failure) => failure.ErrorCode is "NotEmptyValidator" or "NotNullValidator" or MissingCode;

    /// <summary>The error code of a failure that is a missing value, for checks written out (see <c>OrderChecks</c>).</summary>
    public const string MissingCode = "MISSING_PARAMETER";

    public static IReadOnlyList<ErrorDetail> ToDetails(IEnumerable<ValidationFailure> failures, string defaultLocation) =>
        failures.Select(f => ToDetail(f, defaultLocation)).ToList();

    /// <summary>"$.recipientLocation.country" and "RecipientLocation.Country" both become "recipientLocation.country".</summary>
    public static string? ToJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var trimmed = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return string.Join('.', trimmed.Split('.').Select(part => part.Length > 0 ? char.ToLowerInvariant(part[0]) + part[1..] : part));
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]+$")]
    private static partial Regex UpperSnake();
}
