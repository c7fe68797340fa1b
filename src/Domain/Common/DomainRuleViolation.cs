namespace Cargamos.Modular.Domain.Common;

/// <summary>A business rule refused a command. Nothing was recorded.</summary>
public sealed class DomainRuleViolation(string code, string message, string details) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>What exactly was wrong, with the values involved.</summary>
    public string Details { get; } = details;
}
