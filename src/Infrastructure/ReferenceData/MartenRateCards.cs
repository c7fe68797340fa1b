using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Infrastructure.Common;
using Marten;
using JasperFx;

namespace Cargamos.Modular.Infrastructure.ReferenceData;

/// <summary>
/// Rate card versions are immutable Marten documents (id <c>{shipperId}/{version}</c>, so a version is stored once);
/// a shipper's versions are read from memory (<see cref="RateCardCache"/>), none included.
/// </summary>
internal sealed class MartenRateCards(IDocumentSession session, RateCardCache cache) : IRateCards
{
    public Task<IReadOnlyList<RateCard>> For(string shipperId, CancellationToken ct) =>
        cache.Cards.Get(shipperId, (id, token) => session.Query<RateCard>().Where(c => c.ShipperId == id).OrderBy(c => c.Version).ToListAsync(token), ct);

    public async Task<bool> Add(RateCard card, CancellationToken ct)
    {
        session.Insert(card);
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            session.Eject(card);
            return false;
        }
    }
}

/// <summary>The process-wide cache of rate card versions by shipper id, invalidated by <see cref="ReferenceDataChanges"/>. A singleton.</summary>
internal sealed class RateCardCache(ReferenceDataChanges changes)
{
    public ReferenceCache<string, IReadOnlyList<RateCard>> Cards { get; } = changes.Cache<string, IReadOnlyList<RateCard>>(typeof(RateCard));
}
