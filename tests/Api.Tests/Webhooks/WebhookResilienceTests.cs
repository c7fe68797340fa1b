using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>Several API processes over one database: the outbox survives a restart, and two dispatchers never send one message twice.</summary>
public sealed class WebhookResilienceTests : IAsyncLifetime
{
    private WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_message_committed_before_the_process_stopped_is_delivered_by_the_next_process()
    {
        var first = new WebhookApiFactory { Settings = { ["Webhooks:DispatcherEnabled"] = "false" } };
        await first.StartAsync();
        string key;
        WebhookApiFactory? second = null;
        try
        {
            (key, var shipper) = await first.NewShipper();
            await shipper.Register(receiver.Url, "CREATED");
            var (shipmentId, _) = await shipper.IntegrateOk();
            var pending = Assert.Single(await shipper.Deliveries());
            Assert.Equal("PENDING", pending.GetProperty("status").GetString());
            Assert.Equal(0, pending.GetProperty("attempts").GetArrayLength());

            // The process that committed the event goes away before anything was sent.
            await first.DisposeAsync();
            Assert.Empty(receiver.Requests);

            second = WebhookApiFactory.OnDatabase(first.ConnectionString);
            await second.StartAsync();
            await WebhookKit.Until(() => receiver.Delivered.Count == 1, "delivery by the second process");
            Assert.Equal(shipmentId, receiver.Delivered[0].Data.GetProperty("shipmentId").GetGuid());
            await WebhookKit.Until(async () => (await second.Outbox(key)).Single().State == "DELIVERED", "DELIVERED in the outbox");
            Assert.Single(receiver.Requests);
        }
        finally
        {
            if (second is not null)
            {
                await ((IAsyncLifetime)second).DisposeAsync();
            }

            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task When_a_down_receiver_answers_again_its_waiting_retries_go_at_once_not_at_their_retry_time()
    {
        var api = new WebhookApiFactory();
        foreach (var i in Enumerable.Range(0, WebhookApiFactory.TestSchedule.Length))
        {
            api.Settings[$"Webhooks:RetrySchedule:{i}"] = "00:30:00"; // every retry half an hour later
        }

        await api.StartAsync();
        try
        {
            var (key, shipper) = await api.NewShipper();
            await shipper.Register(receiver.Url, "CREATED");
            await receiver.StopAsync();
            for (var i = 0; i < 5; i++)
            {
                await shipper.IntegrateOk();
            }

            await WebhookKit.Until(async () => (await api.Outbox(key)).Count(m => m is { State: "PENDING", Attempts: 1 }) == 5, "five messages failed once, waiting");

            // Back: the next message goes through, and the five waiting ones follow it without waiting half an hour.
            await receiver.RestartAsync();
            await shipper.IntegrateOk();
            await WebhookKit.Until(() => receiver.Delivered.Count == 6, "the backlog delivered after the receiver came back", TimeSpan.FromSeconds(15));
            await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "all DELIVERED in the outbox");
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }

    [Fact]
    public async Task Two_dispatchers_on_one_database_send_each_of_50_messages_once()
    {
        var first = new WebhookApiFactory();
        await first.StartAsync();
        var second = WebhookApiFactory.OnDatabase(first.ConnectionString);
        try
        {
            await second.StartAsync();
            var (key, shipper) = await first.NewShipper();

            // A slow receiver keeps both dispatchers busy at the same time.
            receiver.Respond = (_, _) => new Answer(Delay: TimeSpan.FromMilliseconds(20));
            await shipper.Register(receiver.Url, "CREATED", "PENDING");

            // 25 shipments created and accepted, half through each process: 50 messages.
            var creations = Enumerable.Range(0, 25).Select(i => (i % 2 == 0 ? first : second)
                .Shipment(key, null, ShipmentStatus.Pending));
            await Task.WhenAll(creations);

            await WebhookKit.Until(() => receiver.Delivered.Count == 50, "50 deliveries", TimeSpan.FromSeconds(30));
            await WebhookKit.Until(async () => (await first.Outbox(key)).All(m => m.State == "DELIVERED"), "all DELIVERED");
            var requests = receiver.Requests;
            Assert.Equal(50, requests.Count);
            Assert.Equal(50, requests.Select(r => r.Id).Distinct().Count());
            Assert.All(await first.Outbox(key), m => Assert.Equal(1, m.Attempts));
            foreach (var shipment in requests.GroupBy(r => r.Data.GetProperty("shipmentId").GetGuid()))
            {
                Assert.Equal(new[] { "CREATED", "PENDING" }, shipment.OrderBy(r => r.At).Select(r => r.State).ToArray());
            }
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_committed_message_wakes_the_dispatcher_without_waiting_for_the_poll()
    {
        var api = new WebhookApiFactory { Settings = { ["Webhooks:PollInterval"] = "00:10:00" } };
        await api.StartAsync();
        try
        {
            var (_, shipper) = await api.NewShipper();
            await shipper.Register(receiver.Url, "CREATED");
            await shipper.IntegrateOk();

            // Polling every 10 minutes: only the NOTIFY committed with the event can bring it here this soon.
            await WebhookKit.Until(() => receiver.Delivered.Count == 1, "delivery woken by NOTIFY", TimeSpan.FromSeconds(20));
            await shipper.Post("/v1/webhook/test", System.Net.HttpStatusCode.Accepted);
            await WebhookKit.Until(() => receiver.Delivered.Count == 2, "the test event woken by NOTIFY", TimeSpan.FromSeconds(20));
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_commit_costs_the_dispatcher_one_claim()
    {
        var api = new WebhookApiFactory { Settings = { ["Webhooks:PollInterval"] = "00:10:00" } };
        await api.StartAsync();
        try
        {
            var (key, shipper) = await api.NewShipper();
            await shipper.Register(receiver.Url, "CREATED");
            await shipper.IntegrateOk();
            await WebhookKit.Until(async () => (await api.Outbox(key)).All(m => m.State == "DELIVERED"), "the first delivery");
            var outbox = api.Services.GetRequiredService<WebhookOutbox>();
            var before = outbox.Claims;

            for (var i = 2; i <= 6; i++)
            {
                await shipper.IntegrateOk();
                await WebhookKit.Until(async () => (await api.Outbox(key)).Count(m => m.State == "DELIVERED") == i, $"delivery {i}");
            }

            // Claiming again right after a batch that was not full used to cost a second, empty claim per commit.
            await Task.Delay(200);
            Assert.InRange(outbox.Claims - before, 5, 6);
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }
}
