
namespace Cargamos.Modular.Application.Vtex;

/// <summary>Carriers working under the VTEX protocol.</summary>
internal interface ICarrierDirectory
{
    Task<CarrierAccount?> Get(string carrierId, CancellationToken ct);

    Task<CarrierAccount?> FindByApiKey(string apiKey, CancellationToken ct);
}

/// <summary>VTEX accounts allowed to send us services.</summary>
internal interface IVtexAccounts
{
    Task<VtexAccount?> Find(string appKey, CancellationToken ct);
}
