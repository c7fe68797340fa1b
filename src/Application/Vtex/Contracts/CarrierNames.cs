namespace Cargamos.Modular.Application.Vtex.Contracts;

/// <summary>The display names of the carriers the Vtex module keeps (its carrier directory), for other modules to show.</summary>
public interface ICarrierNames
{
    /// <summary>The carrier's current name; null when there is no such carrier.</summary>
    Task<string?> NameOf(string carrierId, CancellationToken ct);
}
