using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using Cargamos.Modular.Application.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Cargamos.Modular.Infrastructure.Common;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// Webhook signing secrets are encrypted at rest: in the stored <see cref="WebhookSubscription"/> document (and so in
/// every backup and replica) <c>secret</c> and <c>previousSecret</c> are ASP.NET Core Data Protection ciphertexts
/// (<c>dp1:</c> + the protected payload); in memory they are the plain secrets the dispatcher signs with. A document
/// written before this (a plain value without the prefix) is still read, and encrypted at its next write.
/// </summary>
internal static class WebhookSecretStorage
{
    private const string Prefix = "dp1:";
    private const string Purpose = "Cargamos.Webhooks.SigningSecret.v1";

    /// <summary>The store's serialization of <see cref="WebhookSubscription"/>: its secrets through the protector.</summary>
    public static Action<JsonTypeInfo> Protect(IDataProtectionProvider provider)
    {
        var converter = new ProtectedText(provider.CreateProtector(Purpose));
        return info =>
        {
            if (info.Type != typeof(WebhookSubscription))
            {
                return;
            }

            foreach (var property in info.Properties.Where(p => p.PropertyType == typeof(string)
                         && p.AttributeProvider is System.Reflection.MemberInfo { Name: nameof(WebhookSubscription.Secret) or nameof(WebhookSubscription.PreviousSecret) }))
            {
                property.CustomConverter = converter;
            }
        };
    }

    private sealed class ProtectedText(IDataProtector protector) : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var stored = reader.GetString();
            return stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal) ? protector.Unprotect(stored[Prefix.Length..]) : stored;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Prefix + protector.Protect(value));
    }
}

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>cargamos.data_protection_keys</c>), so every API process over the
/// database protects and unprotects with the same keys (a secret stored by one node is signed with by another). Plain
/// Npgsql, not Marten: the store's own serialization depends on these keys.
/// </summary>
internal sealed class PostgresKeyRing(string connectionString) : IXmlRepository
{
    public const string Table = "cargamos.data_protection_keys";
    private volatile bool created;

    /// <summary>
    /// The table as Weasel applies and asserts it with the rest of the schema (db-apply, db-assert): exactly what
    /// <see cref="Open"/> creates when the key ring is used before the schema is applied (the store's serialization needs it).
    /// </summary>
    public static Table TableDefinition()
    {
        var table = new Table(new PostgresqlObjectName(MartenStore.Schema, "data_protection_keys", SchemaUtils.IdentifierUsage.General));
        table.AddColumn("friendly_name", "text").AsPrimaryKey();
        table.AddColumn("xml", "text").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        table.PrimaryKeyName = "data_protection_keys_pkey";
        return table;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"select xml from {Table} order by created_at", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand($"insert into {Table} (friendly_name, xml) values (@name, @xml) on conflict (friendly_name) do nothing", connection);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }

    private NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        if (!created)
        {
            using var create = new NpgsqlCommand($"""
                create schema if not exists cargamos;
                create table if not exists {Table} (
                    friendly_name text primary key,
                    xml text not null,
                    created_at timestamptz not null default now())
                """, connection);
            create.ExecuteNonQuery();
            created = true;
        }

        return connection;
    }
}
