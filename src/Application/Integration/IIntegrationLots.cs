namespace Cargamos.Modular.Application.Integration;

/// <summary>Integration lot ids: one database sequence, so ids are unique and increasing across API instances.</summary>
internal interface IIntegrationLots
{
    Task<long> NextId(CancellationToken ct);
}
