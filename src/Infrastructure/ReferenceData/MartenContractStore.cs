using Marten;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>Contracts are Marten documents whose identity is the shipper id (see <see cref="ReferenceDataModule"/>).</summary>
internal sealed class MartenContractStore(IDocumentSession session) : IContractStore
{
    public Task<ShipperContract?> Get(string shipperId, CancellationToken ct) => session.LoadAsync<ShipperContract>(shipperId, ct);

    public async Task Save(ShipperContract contract, CancellationToken ct)
    {
        session.Store(contract);
        await session.SaveChangesAsync(ct);
    }
}
