using FluentValidation;

namespace Cargamos.Modular.Application.Common;

/// <summary>Keyset pagination as every list use case takes it: a page size, and the previous page's <c>nextCursor</c>.</summary>
internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>The page size: 1 to <paramref name="max"/>.</summary>
    public static IRuleBuilderOptions<T, int> PageLimit<T>(this IRuleBuilder<T, int> rule, int max = MaxLimit) =>
        rule.InclusiveBetween(1, max).WithState(_ => "request.query");

    /// <summary>The cursor, when given, must be one this list answered (<paramref name="isCursor"/> reads it).</summary>
    public static IRuleBuilderOptions<T, string?> PageCursor<T>(this IRuleBuilder<T, string?> rule, Func<string, bool> isCursor) =>
        rule.Must(c => c is null || isCursor(c)).WithMessage("cursor must be the nextCursor of a previous page.").WithState(_ => "request.query");
}
