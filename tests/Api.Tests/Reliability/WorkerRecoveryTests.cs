using System.Diagnostics;
using System.Text.Json;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Spreadsheets;
using Cargamos.Modular.Api.Tests.Webhooks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Reliability;

/// <summary>
/// The background workers of an API that loses its database: the lot processor and the webhook dispatcher log the outage
/// once (no stack), keep trying, and resume within 2 s of PostgreSQL accepting connections again, without a restart.
/// The work is submitted during the outage by another API process that still reaches the database (as on a second node).
/// </summary>
public sealed class WorkerRecoveryTests(OutageApi outage) : IClassFixture<OutageApi>
{
    private const int Rows = 600;
    private static readonly TimeSpan Resumed = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task The_lot_processor_and_the_webhook_dispatcher_resume_within_2_s_of_the_database_coming_back()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (shipperId, shipperClient) = await outage.Api.NewShipper();
        await shipperClient.Register(receiver.Url, "CREATED");
        await shipperClient.IntegrateOk();
        await WebhookKit.Until(() => receiver.Delivered.Count == 1, "the first message delivered before the outage", TimeSpan.FromSeconds(10));

        // The other node: same database, no workers of its own.
        await using var otherNode = SpreadsheetApiFactory.OnDatabase(outage.Direct);
        otherNode.Settings["Spreadsheets:ProcessorEnabled"] = "false";
        otherNode.Settings["Webhooks:DispatcherEnabled"] = "false";
        await otherNode.StartAsync();
        var uploader = await otherNode.LoginAs(DemoUser.Shipper);

        outage.Proxy.Down();
        Stopwatch back;
        try
        {
            var lotId = await uploader.UploadOk(Sheets.Csv(Enumerable.Range(0, Rows).Select(_ => Sheets.ValidRow())));
            await InsertMessage(shipperId);
            await WebhookKit.Until(() => Warned("integration lots wait") && Warned("webhook messages wait"), "both workers to meet the outage",
                TimeSpan.FromSeconds(15));

            outage.Proxy.Up();
            back = Stopwatch.StartNew();
            TimeSpan? lotResumed = null, webhookResumed = null;
            await WebhookKit.Until(async () =>
            {
                webhookResumed ??= receiver.Delivered.Count == 2 ? back.Elapsed : null;
                lotResumed ??= (await uploader.Lot(lotId)).GetProperty("processedRows").GetInt32() > 0 ? back.Elapsed : null;
                return lotResumed is not null && webhookResumed is not null;
            }, "both workers to resume", TimeSpan.FromSeconds(15));

            Assert.True(lotResumed <= Resumed, $"the lot resumed {lotResumed!.Value.TotalMilliseconds:F0} ms after the database came back");
            Assert.True(webhookResumed <= Resumed, $"the webhook message went out {webhookResumed!.Value.TotalMilliseconds:F0} ms after the database came back");

            var lot = await uploader.WaitFor(lotId, TimeSpan.FromSeconds(60));
            Assert.Equal(("COMPLETED", Rows, Rows), (lot.Str("status"), lot.GetProperty("processedRows").GetInt32(), lot.GetProperty("created").GetInt32()));
        }
        finally
        {
            outage.Proxy.Up();
        }

        // Once per outage each, as warnings without a stack; nothing at error level.
        Assert.Single(outage.Api.Logs, l => l.Message.Contains("integration lots wait", StringComparison.Ordinal));
        Assert.Single(outage.Api.Logs, l => l.Message.Contains("webhook messages wait", StringComparison.Ordinal));
        Assert.DoesNotContain(outage.Api.Logs, l => l.Level >= LogLevel.Error);
        Assert.DoesNotContain(outage.Api.Logs, l => l.Message.Contains("   at ", StringComparison.Ordinal) && l.Category.Contains("Worker", StringComparison.Ordinal));
    }

    private bool Warned(string text) => outage.Api.Logs.Any(l => l.Level == LogLevel.Warning && l.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>A CREATED message committed by the other node while this one cannot reach the database.</summary>
    private async Task InsertMessage(string shipperId)
    {
        await using var connection = new NpgsqlConnection(outage.Direct);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            insert into cargamos.webhook_messages (id, shipper_id, shipment_id, version, type, payload)
            values (gen_random_uuid(), @shipper, gen_random_uuid(), 1, 'shipment.status_changed', @payload::json)
            """, connection);
        insert.Parameters.AddWithValue("shipper", shipperId);
        insert.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new { type = "shipment.status_changed", data = new { state = "CREATED" } }));
        await insert.ExecuteNonQueryAsync();
    }
}
