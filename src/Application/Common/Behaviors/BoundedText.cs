using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using FluentValidation;
using FluentValidation.Results;

namespace Cargamos.Modular.Application.Common.Behaviors;

/// <summary>
/// A ceiling on every string and every list of a request, however deep (a 5 MB string must not be stored in an event
/// for ever): each string over <c>maxLength</c> characters and each list over <c>maxItems</c> entries is one
/// INVALID_PARAMETER naming its path. Fields with their own, tighter rule keep it; this is the ceiling for the rest.
/// </summary>
public static class BoundedText
{
    private const int MaxDepth = 16;
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    /// <summary>For a validator: <c>RuleFor(r =&gt; r).Custom((r, context) =&gt; BoundedText.Check(r, context, 2000, 1000))</c>.</summary>
    public static void Check<T>(T request, ValidationContext<T> context, int maxLength, int maxItems) =>
        Check(request, "", maxLength, maxItems, context.AddFailure, 0);

    private static void Check(object? value, string path, int maxLength, int maxItems, Action<ValidationFailure> fail, int depth)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                if (text.Length > maxLength)
                {
                    fail(new ValidationFailure(path,
                        string.Create(CultureInfo.InvariantCulture, $"The value has {text.Length:N0} characters; at most {maxLength:N0} are accepted."))
                    {
                        ErrorCode = "INVALID_PARAMETER",
                    });
                }

                return;
            case IEnumerable list when depth < MaxDepth:
                var index = 0;
                foreach (var item in list)
                {
                    if (index == maxItems)
                    {
                        fail(new ValidationFailure(path,
                            string.Create(CultureInfo.InvariantCulture, $"The list has more than {maxItems:N0} entries; at most {maxItems:N0} are accepted."))
                        {
                            ErrorCode = "INVALID_PARAMETER",
                        });
                        return;
                    }

                    Check(item, $"{path}[{index}]", maxLength, maxItems, fail, depth + 1);
                    index++;
                }

                return;
        }

        var type = value.GetType();
        if (depth >= MaxDepth || type.IsPrimitive || type.IsEnum || type.Namespace?.StartsWith("Cargamos.", StringComparison.Ordinal) != true)
        {
            return;
        }

        foreach (var property in Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract").ToArray()))
        {
            Check(property.GetValue(value), path.Length == 0 ? property.Name : $"{path}.{property.Name}", maxLength, maxItems, fail, depth + 1);
        }
    }
}
