using System.Runtime.CompilerServices;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// <c>required</c> in the OpenAPI document exactly as validated: for each request schema whose type has a validator,
/// the validator is run once on an instance with every member empty, and the members it reports missing (NotNull /
/// NotEmpty) are the required ones. Optional stays optional however the C# type is declared (every request member is
/// nullable so that all missing fields are reported at once).
/// </summary>
public static class RequiredFromValidation
{
    private static readonly string[] MissingCodes = ["NotNullValidator", "NotEmptyValidator"];

    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (schema.Properties is not { Count: > 0 } || type.IsAbstract || type.IsValueType || type == typeof(string)
            || context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator)
        {
            return Task.CompletedTask;
        }

        IEnumerable<string> missing;
        try
        {
            var empty = RuntimeHelpers.GetUninitializedObject(type);
            missing = validator.Validate(new ValidationContext<object>(empty)).Errors
                .Where(e => MissingCodes.Contains(e.ErrorCode))
                .Select(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName.Split('.', '[')[0]));
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException)
        {
            return Task.CompletedTask; // a validator that needs more than empty members: the schema keeps what it says
        }

        // Replaces what the generator inferred from the C# declarations (a constructor parameter is not a required field).
        schema.Required = missing.Where(schema.Properties.ContainsKey).ToHashSet(StringComparer.Ordinal);

        return Task.CompletedTask;
    });
}
