using Cargamos.Modular.Application.Vtex;
using Marten;

namespace Cargamos.Modular.Infrastructure.Vtex;

internal sealed class MartenCarrierDirectory(IQuerySession session) : ICarrierDirectory
{
    public Task<CarrierAccount?> Get(string carrierId, CancellationToken ct) => session.LoadAsync<CarrierAccount>(carrierId, ct);

    public Task<CarrierAccount?> FindByApiKey(string apiKey, CancellationToken ct)
    {
        var hash = SecretHashes.Of(apiKey);
        return session.Query<CarrierAccount>().FirstOrDefaultAsync(c => c.ApiKeyHash == hash, ct);
    }
}

internal sealed class MartenVtexAccounts(IQuerySession session) : IVtexAccounts
{
    public Task<VtexAccount?> Find(string appKey, CancellationToken ct) => session.LoadAsync<VtexAccount>(appKey, ct);
}
