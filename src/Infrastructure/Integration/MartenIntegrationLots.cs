using Marten;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Infrastructure.Integration;

internal sealed class MartenIntegrationLots(IQuerySession session) : IIntegrationLots
{
    public const string Sequence = "integration_lot_id";

    public async Task<long> NextId(CancellationToken ct) =>
        (await session.AdvancedSql.QueryAsync<long>($"select nextval('{Common.MartenStore.Schema}.{Sequence}')", ct)).Single();
}
