using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Webhooks;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>Signing secrets are stored encrypted (Data Protection), with a key ring in PostgreSQL that every process shares.</summary>
public sealed class WebhookSecretStorageTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    [Fact]
    public async Task The_secret_is_stored_encrypted_and_another_process_over_the_database_reads_it()
    {
        var (shipperId, shipper) = await api.NewShipper();
        var secret = await shipper.Register("http://127.0.0.1:9/stored", "CREATED");

        var row = await Scalar<string>("select data::text from cargamos.mt_doc_webhook_subscription where id = @id", shipperId);
        Assert.DoesNotContain(secret, row, StringComparison.Ordinal);
        Assert.StartsWith("dp1:", await Scalar<string>("select data ->> 'secret' from cargamos.mt_doc_webhook_subscription where id = @id", shipperId), StringComparison.Ordinal);
        Assert.True(await Scalar<long>("select count(*) from cargamos.data_protection_keys", null) >= 1);

        await using var otherNode = WebhookApiFactory.OnDatabase(api.ConnectionString);
        otherNode.Settings["Webhooks:DispatcherEnabled"] = "false";
        await otherNode.StartAsync();
        await using var session = otherNode.Services.GetRequiredService<IDocumentStore>().QuerySession();
        Assert.Equal(secret, (await session.LoadAsync<WebhookSubscription>(shipperId))!.Secret);
    }

    [Fact]
    public async Task A_secret_stored_in_clear_before_is_read_and_encrypted_at_its_next_write()
    {
        var (shipperId, shipper) = await api.NewShipper();
        await shipper.Register("http://127.0.0.1:9/legacy", "CREATED");
        const string legacy = "whsec_bGVnYWN5LXNlY3JldC1zdG9yZWQtaW4tY2xlYXI=";
        await Scalar<int>("update cargamos.mt_doc_webhook_subscription set data = jsonb_set(data, '{secret}', to_jsonb(@secret::text)) where id = @id returning 1",
            shipperId, ("secret", legacy));

        var store = api.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            var webhook = (await session.LoadAsync<WebhookSubscription>(shipperId))!;
            Assert.Equal(legacy, webhook.Secret);
            session.Store(webhook);
            await session.SaveChangesAsync();
        }

        var stored = await Scalar<string>("select data ->> 'secret' from cargamos.mt_doc_webhook_subscription where id = @id", shipperId);
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        await using var reader = store.QuerySession();
        Assert.Equal(legacy, (await reader.LoadAsync<WebhookSubscription>(shipperId))!.Secret);
    }

    private async Task<T> Scalar<T>(string sql, string? id, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
