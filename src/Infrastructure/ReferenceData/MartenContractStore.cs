using Marten;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// Contracts are Marten documents whose identity is the shipper id (see <see cref="ReferenceDataModule"/>), read from
/// memory (<see cref="ContractCache"/>), a missing contract included.
/// </summary>
internal sealed class MartenContractStore(IDocumentSession session, ContractCache cache) : IContractStore
{
    public Task<ShipperContract?> Get(string shipperId, CancellationToken ct) =>
        cache.Contracts.Get(shipperId, (id, token) => session.LoadAsync<ShipperContract>(id, token), ct);

    public async Task Save(ShipperContract contract, CancellationToken ct)
    {
        session.Store(contract);
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>The process-wide cache of contracts by shipper id, invalidated by <see cref="ReferenceDataChanges"/>. A singleton.</summary>
internal sealed class ContractCache(ReferenceDataChanges changes)
{
    public ReferenceCache<string, ShipperContract?> Contracts { get; } = changes.Cache<string, ShipperContract?>(typeof(ShipperContract));
}
