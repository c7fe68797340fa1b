namespace Cargamos.Modular.Application.Common;

/// <summary>
/// A request field that accepts strings longer than the API's 2,000-character ceiling (an inline label, an evidence's
/// text): the longest it accepts, enforced as the body is read and published as <c>maxLength</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextLimitAttribute(int maxLength) : Attribute
{
    public int MaxLength { get; } = maxLength;
}
