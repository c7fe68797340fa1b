namespace Cargamos.Modular.Application.Integration.Contracts;

/// <summary>Integration lot ids: one database sequence, so ids are unique and increasing across API instances.</summary>
public interface IIntegrationLots
{
    Task<long> NextId(CancellationToken ct);
}
