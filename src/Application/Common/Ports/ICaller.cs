using Cargamos.Modular.Domain.Common;

namespace Cargamos.Modular.Application.Common.Ports;

public static class Roles
{
    public const string Shipper = "shipper";
    public const string Auditor = "auditor";
    public const string Operator = "operator";
    public const string Carrier = "carrier";
    public const string Vtex = "vtex";
}

/// <summary>Who is calling, in which request. Implemented by the API from the authenticated user.</summary>
public interface ICaller
{
    /// <summary>The request's processId (also the Marten correlation id of what it records).</summary>
    string ProcessId { get; }

    Actor Actor { get; }

    /// <summary>The shipper organization of a shipper user; null for Cargamos staff.</summary>
    string? ShipperId { get; }

    bool IsInRole(string role);
}

public static class CallerExtensions
{
    /// <summary>Auditors and operators see every shipment; a shipper only its own.</summary>
    public static bool CanSee(this ICaller caller, string shipperId) =>
        caller.IsInRole(Roles.Auditor) || caller.IsInRole(Roles.Operator)
        || (caller.ShipperId is not null && caller.ShipperId == shipperId);
}
