using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cargamos.Modular.Application.Common;
using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// <c>required</c> in the OpenAPI document exactly as validated: for each request schema whose type has a validator,
/// the validator is run once on an instance with every member empty, and the members it reports missing (NotNull /
/// NotEmpty) are the required ones. Optional stays optional however the C# type is declared (every request member is
/// nullable so that all missing fields are reported at once). A request body type without a validator of its own (its
/// command is validated instead) requires its non-nullable members: the generator would otherwise require every
/// constructor parameter, <c>null</c>able or not. Either way, the fields a type names in <see cref="RequiredFieldsAttribute"/>
/// (what its command's validator requires) are required too.
/// </summary>
public static class RequiredFromValidation
{
    private static readonly ConditionalWeakTable<EndpointDataSource, HashSet<Type>> RequestTypesOf = new();

    public static void Describe(OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        var type = context.JsonTypeInfo.Type;
        if (schema.Properties is not { Count: > 0 } || type.IsAbstract || type.IsValueType || type == typeof(string))
        {
            return Task.CompletedTask;
        }

        if (context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator)
        {
            if (context.ApplicationServices.GetService(typeof(EndpointDataSource)) is EndpointDataSource endpoints
                && RequestTypesOf.GetValue(endpoints, RequestTypes).Contains(type))
            {
                schema.Required = context.JsonTypeInfo.Properties
                    .Where(p => !IsNullable(p))
                    .Select(p => p.Name)
                    .Concat(Declared(type))
                    .Where(schema.Properties.ContainsKey)
                    .ToHashSet(StringComparer.Ordinal);
            }

            return Task.CompletedTask;
        }

        IEnumerable<string> missing;
        try
        {
            var empty = RuntimeHelpers.GetUninitializedObject(type);
            missing = validator.Validate(new ValidationContext<object>(empty)).Errors
                .Where(ValidationErrors.IsMissing)
                .Select(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName.Split('.', '[')[0]));
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException)
        {
            return Task.CompletedTask; // a validator that needs more than empty members: the schema keeps what it says
        }

        // Replaces what the generator inferred from the C# declarations (a constructor parameter is not a required field).
        schema.Required = missing.Concat(Declared(type)).Where(schema.Properties.ContainsKey).ToHashSet(StringComparer.Ordinal);

        return Task.CompletedTask;
    });

    private static IEnumerable<string> Declared(Type type) =>
        type.GetCustomAttributes(typeof(RequiredFieldsAttribute), false).Cast<RequiredFieldsAttribute>().SelectMany(a => a.Names);

    private static bool IsNullable(JsonPropertyInfo property) =>
        property.PropertyType.IsValueType ? Nullable.GetUnderlyingType(property.PropertyType) is not null : property.IsSetNullable;

    /// <summary>The types of the API's request bodies and of everything they contain (ours only: lists and primitives are not schemas of ours).</summary>
    private static HashSet<Type> RequestTypes(EndpointDataSource endpoints)
    {
        var found = new HashSet<Type>();
        var pending = new Stack<Type>(endpoints.Endpoints
            .SelectMany(e => e.Metadata.OfType<IAcceptsMetadata>())
            .Select(a => a.RequestType)
            .OfType<Type>());
        while (pending.TryPop(out var type))
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsArray)
            {
                pending.Push(type.GetElementType()!);
                continue;
            }

            if (type.IsGenericType)
            {
                foreach (var argument in type.GetGenericArguments())
                {
                    pending.Push(argument);
                }
            }

            if (type.Namespace?.StartsWith("Cargamos.", StringComparison.Ordinal) != true || type.IsEnum || !found.Add(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties())
            {
                pending.Push(property.PropertyType);
            }
        }

        return found;
    }
}
