using System.Globalization;
using Cargamos.Modular.Application.Common;
using Cargamos.Modular.Application.Common.Errors;

namespace Cargamos.Modular.Api.Common;

/// <summary>Query-string values that every list endpoint reads the same way; the use case's validator checks the range.</summary>
internal static class QueryParameters
{
    /// <summary>The page size: <paramref name="fallback"/> when absent, 400 INVALID_PARAMETER when not a whole number.</summary>
    public static int Limit(string? value, int fallback = Paging.DefaultLimit, int max = Paging.MaxLimit) =>
        value is null ? fallback
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit
            : throw AppError.InvalidParameter($"'{value}' is not a number from 1 to {max}.", "limit");
}
