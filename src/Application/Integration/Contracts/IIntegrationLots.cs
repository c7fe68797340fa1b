namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>Integration lot ids: unique across API instances (one database sequence), increasing within one instance.</summary>
public interface IIntegrationLots
{
    Task<long> NextId(CancellationToken ct);
}
