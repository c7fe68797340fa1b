namespace Cargamos.Modular.Application.Common;

/// <summary>
/// The fields of a request body (JSON names) that its command's validator refuses to go without, where the body type has no
/// validator of its own (or shares members with a body where they are optional): published as <c>required</c> in the OpenAPI
/// document. Fields required only together with another (latitude and longitude) are not listed here but as
/// <c>dependentRequired</c> (Api/Common/ConditionalRequirements). OpenApiRequiredTests check every body against the API.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiredFieldsAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
