namespace Cargamos.Modular.Domain.Common;

public enum ActorKind
{
    Shipper,
    Carrier,
    Vtex,
    Operator,
    Auditor,
    System,
}

/// <summary>Who did something: recorded on every event.</summary>
public sealed record Actor(ActorKind Kind, string Id, string? Name = null)
{
    public static readonly Actor System = new(ActorKind.System, "system", "System");
}
