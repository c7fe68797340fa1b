using Cargamos.Modular.Application.Shipments.Contracts;
using System.Text.Json;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Application.Vtex.ReadModels;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Domain.Tests.Shipments;
using Cargamos.Modular.Infrastructure.Vtex;
using CsCheck;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Shipments;

/// <summary>
/// One status rule, four places that fold it: over random valid command sequences run through the real event store, the
/// aggregate, the tracking document, the VTEX service view (live and rebuilt from the events) and the webhook messages
/// written to the outbox all agree. CsCheck prints the seed of a failing sequence.
/// </summary>
public sealed class StatusRuleAgreementTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Aggregate_views_and_webhooks_show_the_same_status_after_random_command_sequences()
    {
        var (shipperId, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url);
        var store = api.Services.GetRequiredService<IDocumentStore>();

        await RandomCommands.Sequence(12).SampleAsync(async commands =>
        {
            var (id, _) = await api.Shipment(shipperId);
            foreach (var command in commands)
            {
                await api.Apply(id, state => Decide(command, state), $"property-{command.GetType().Name}");
                var position = await Position(store, id);
                Assert.Equal(new Agreement(position, position, position.Status), await Statuses(store, id));
            }

            await AssertAgreement(store, id);
        }, iter: 25, threads: 1);
    }

    private static IReadOnlyList<IShipmentEvent> Decide(ShipmentCommand command, Shipment state)
    {
        try
        {
            return command.Decide(state, Scenarios.Carrier, DateTimeOffset.UtcNow);
        }
        catch (DomainRuleViolation)
        {
            return [];
        }
    }

    private async Task AssertAgreement(IDocumentStore store, Guid id)
    {
        var aggregate = await Aggregate(store, id);
        var expected = new Agreement(aggregate.Position(), aggregate.Position(), aggregate.Status);

        // The status changes as the aggregate lives them: (previous, next) at each stream version.
        var changes = new List<(long Version, string? Previous, string Next)>();
        await using (var session = store.QuerySession())
        {
            var state = (Shipment?)null;
            foreach (var e in await session.Events.FetchStreamAsync(id))
            {
                var previous = state?.Status;
                state = Shipment.Evolve(state, e.Data);
                if (state!.Status != previous)
                {
                    changes.Add((e.Version, previous?.ToCode(), state.Status.ToCode()));
                }
            }
        }

        var liveView = await Stored<VtexServiceView>(store, id);
        var liveTracking = await Stored<ShipmentTracking>(store, id);
        Assert.Equal(expected, await Statuses(store, id));

        // Rebuilt from the events: the same documents, so the same statuses.
        await using (var session = store.LightweightSession())
        {
            session.Delete<VtexServiceView>(id);
            session.Delete<ShipmentTracking>(id);
            await session.SaveChangesAsync();
        }

        await store.Advanced.RebuildSingleStreamAsync<VtexServiceView>(id);
        await store.Advanced.RebuildSingleStreamAsync<ShipmentTracking>(id);
        Assert.Equal(liveView, await Stored<VtexServiceView>(store, id));
        Assert.Equal(liveTracking, await Stored<ShipmentTracking>(store, id));
        Assert.Equal(expected, await Statuses(store, id));

        // One webhook message per status change, in order, announcing the aggregate's statuses.
        var messages = await Messages(id);
        Assert.Equal(changes, messages);
        Assert.Equal(aggregate.Status.ToCode(), messages[^1].Next);
    }

    private static async Task<StatusPosition> Position(IDocumentStore store, Guid id)
    {
        await using var session = store.QuerySession();
        return Shipment.Replay((await session.Events.FetchStreamAsync(id)).Select(e => e.Data))!.Position();
    }

    private static async Task<Shipment> Aggregate(IDocumentStore store, Guid id)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        var replayed = Shipment.Replay(events.Select(e => e.Data))!;
        var aggregated = (await session.Events.AggregateStreamAsync<Shipment>(id))!;
        Assert.Equal((replayed.Position(), replayed.Version), (aggregated.Position(), aggregated.Version));
        return replayed;
    }

    /// <summary>What the two read models say: the tracking document's position, the VTEX view's and its timeline's status.</summary>
    private sealed record Agreement(StatusPosition Tracking, StatusPosition Vtex, ShipmentStatus VtexTimeline);

    private static async Task<Agreement> Statuses(IDocumentStore store, Guid id)
    {
        await using var session = store.QuerySession();
        var tracking = (await session.LoadAsync<ShipmentTracking>(id))!;
        var view = (await session.LoadAsync<VtexServiceView>(id))!;
        Assert.Equal(tracking.Status, tracking.History![^1].Status);
        Assert.Equal(view.Status, view.Position.Status);
        return new Agreement(tracking.Position(), view.Position, TimelineStatus(view));
    }

    // The status the newest STATUS entry of the timeline shows ("Service creation" has no metaData: CREATED).
    private static ShipmentStatus TimelineStatus(VtexServiceView view)
    {
        var entry = view.Timeline.Last(e => e.Type == VtexTimelineType.Status);
        var code = entry.MetaData is { ValueKind: JsonValueKind.Object } m ? m.GetProperty("status").GetString() : "CREATED";
        return Enum.GetValues<ShipmentStatus>().Single(s => s.ToCode() == code);
    }

    private static async Task<string> Stored<T>(IDocumentStore store, Guid id) where T : class
    {
        await using var session = store.QuerySession();
        var document = await session.LoadAsync<T>(id);
        Assert.NotNull(document);
        return store.Options.Serializer().ToJson(document is VtexServiceView view ? VtexServiceProjection.InWrittenOrder(view) : document);
    }

    private async Task<List<(long Version, string? Previous, string Next)>> Messages(Guid shipmentId)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select version, payload::text from cargamos.webhook_messages where shipment_id = @s and type = 'shipment.status_changed' order by version", connection);
        command.Parameters.AddWithValue("s", shipmentId);
        await using var reader = await command.ExecuteReaderAsync();
        var messages = new List<(long, string?, string)>();
        while (await reader.ReadAsync())
        {
            var data = JsonDocument.Parse(reader.GetString(1)).RootElement.GetProperty("data");
            Assert.Equal(reader.GetInt64(0), data.GetProperty("version").GetInt64());
            messages.Add((reader.GetInt64(0), data.GetProperty("previousState").GetString(), data.GetProperty("state").GetString()!));
        }

        return messages;
    }
}
