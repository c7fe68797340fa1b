using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Webhooks;
using Marten;
using Cargamos.Modular.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>
/// One lane, at most two requests in flight per webhook, a message waiting 300 ms at most for a slot: a batch of many
/// messages for one endpoint goes out two at a time, and the ones that waited too long go back unattempted.
/// </summary>
public sealed class BusyWebhookFactory : WebhookApiFactory
{
    public BusyWebhookFactory()
    {
        Settings["Webhooks:Lanes"] = "1";
        Settings["Webhooks:MaxConcurrentPerWebhook"] = "2";
        Settings["Webhooks:QueueWait"] = "00:00:00.300";
        Settings["Webhooks:Timeout"] = "00:00:05";
    }
}

/// <summary>What one process may ask of one webhook's endpoint, and where the dispatcher reads the webhook.</summary>
public sealed class WebhookDispatchLimitsTests(BusyWebhookFactory api) : IClassFixture<BusyWebhookFactory>, IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_batch_for_one_webhook_goes_out_within_its_concurrency_limit_and_a_message_given_back_counts_no_attempt()
    {
        var (key, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED");

        // The first message holds the only lane for a second and a half, so the next nine are claimed in one batch.
        receiver.Script(new Answer(Delay: TimeSpan.FromMilliseconds(1500)));
        receiver.Respond = (_, _) => new Answer(Delay: TimeSpan.FromMilliseconds(250));
        await shipper.IntegrateOk();
        await WebhookKit.Until(() => receiver.InFlight == 1, "the first message at the receiver");
        for (var i = 0; i < 9; i++)
        {
            await shipper.IntegrateOk();
        }

        Assert.Equal(1, receiver.InFlight);
        await WebhookKit.Until(() => receiver.Delivered.Count == 10, "ten deliveries", TimeSpan.FromSeconds(30));
        await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "all DELIVERED");

        // Never more than two at once, and two at once did happen (the nine came in one claim).
        Assert.Equal(2, receiver.MaxInFlight);

        // Each was sent once: the messages that waited longer than QueueWait for a slot went back without an attempt
        // (250 ms per request, two at a time: most of the nine waited more than 300 ms at least once).
        Assert.Equal(10, receiver.Requests.Count);
        Assert.All(await api.Outbox(key), m => Assert.Equal(1, m.Attempts));
        Assert.All(await shipper.Deliveries(), m => Assert.Single(m.GetProperty("attempts").EnumerateArray()));
    }

    [Fact]
    public async Task The_dispatcher_of_another_process_sends_to_the_address_a_webhook_was_just_moved_to()
    {
        await using var moved = await WebhookReceiver.StartAsync();
        var quiet = WebhookApiFactory.OnDatabase(api.ConnectionString);
        quiet.Settings["Webhooks:DispatcherEnabled"] = "false";
        try
        {
            await quiet.StartAsync();
            var (key, shipper) = await quiet.NewShipper();
            await shipper.Register(receiver.Url, "CREATED");
            await shipper.IntegrateOk();
            await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the first message, at the first address");

            // The dispatching process holds the webhook in memory; the change is made through the other process.
            using (var put = await shipper.PutWebhook(WebhookKit.Webhook(moved.Url, "CREATED")))
            {
                await put.Data();
            }

            var cache = api.Services.GetRequiredService<WebhookSubscriptionCache>();
            var store = api.Services.GetRequiredService<IDocumentStore>();
            await WebhookKit.Until(async () => (await cache.Get(key, async (id, ct) =>
                {
                    await using var reader = store.QuerySession();
                    return await reader.LoadAsync<WebhookSubscription>(id, ct);
                }, CancellationToken.None))?.Url == moved.Url, "the dispatching process's copy replaced", TimeSpan.FromSeconds(1));

            await shipper.IntegrateOk();
            await WebhookKit.Until(() => moved.Delivered.Count == 1, "the second message, at the new address");
            Assert.Single(receiver.Requests);
        }
        finally
        {
            await ((IAsyncLifetime)quiet).DisposeAsync();
        }
    }
}
