using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cargamos.Sdk;

/// <summary>A webhook message Cargamos sent (docs/webhooks.md): <c>shipment.status_changed</c> or <c>webhook.test</c>.</summary>
public sealed record WebhookMessage(string Id, string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    /// <summary>The status change of a <c>shipment.status_changed</c> message, null for other types.</summary>
    public ShipmentStatusChange? StatusChange => Type == "shipment.status_changed" ? Data.Deserialize<ShipmentStatusChange>(WebhookVerifier.Json) : null;
}

/// <summary>The <c>data</c> of a <c>shipment.status_changed</c> message.</summary>
public sealed record ShipmentStatusChange(
    Guid ShipmentId, string TrackingId, string? ShipperTrackingId, string State, string? PreviousState, DateTimeOffset OccurredAt, long Version,
    JsonElement Details);

public sealed class WebhookVerificationException(string message) : Exception(message);

/// <summary>
/// Verifies a webhook as Standard Webhooks signs it: <c>webhook-signature</c> holds one or more space-separated
/// <c>v1,&lt;base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{raw body}"&gt;</c>, keyed with the base64 part of the
/// <c>whsec_</c> secret; the timestamp must be within <see cref="Tolerance"/> of now (replays). Give it the raw body as
/// received, never re-serialized JSON. After a rotation, give both secrets (or only the new one: every message then carries both signatures).
/// </summary>
public sealed class WebhookVerifier
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Prefix = "whsec_";
    private readonly byte[][] keys;
    private readonly TimeProvider clock;

    public WebhookVerifier(string secret, TimeSpan? tolerance = null, TimeProvider? clock = null)
        : this([secret], tolerance, clock)
    {
    }

    public WebhookVerifier(IEnumerable<string> secrets, TimeSpan? tolerance = null, TimeProvider? clock = null)
    {
        keys = secrets.Select(Key).ToArray();
        if (keys.Length == 0)
        {
            throw new ArgumentException("Give at least one secret.", nameof(secrets));
        }

        Tolerance = tolerance ?? TimeSpan.FromMinutes(5);
        this.clock = clock ?? TimeProvider.System;
    }

    public TimeSpan Tolerance { get; }

    /// <summary>The message, once its signature and timestamp are verified; throws <see cref="WebhookVerificationException"/> otherwise.</summary>
    public WebhookMessage Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            throw new WebhookVerificationException("Missing webhook-id, webhook-timestamp or webhook-signature.");
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
        {
            throw new WebhookVerificationException($"webhook-timestamp {webhookTimestamp} is not within {Tolerance} of now.");
        }

        var signed = new byte[Encoding.UTF8.GetByteCount(webhookId) + webhookTimestamp.Length + 2 + body.Length];
        var at = Encoding.UTF8.GetBytes(webhookId, signed);
        signed[at++] = (byte)'.';
        at += Encoding.ASCII.GetBytes(webhookTimestamp, signed.AsSpan(at));
        signed[at++] = (byte)'.';
        body.CopyTo(signed.AsSpan(at));

        var given = webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Select(s => TryBase64(s[3..]))
            .OfType<byte[]>()
            .ToList();
        if (!keys.Any(key => given.Any(signature => CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, signed)))))
        {
            throw new WebhookVerificationException("No webhook-signature matches the secret.");
        }

        var message = JsonSerializer.Deserialize<WebhookMessage>(body, Json) ?? throw new WebhookVerificationException("The body is not a message.");
        return message.Id == webhookId ? message : throw new WebhookVerificationException("The body's id is not the webhook-id.");
    }

    public WebhookMessage Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature, string body) =>
        Verify(webhookId, webhookTimestamp, webhookSignature, Encoding.UTF8.GetBytes(body));

    /// <summary>Whether the message is authentic, without reading it.</summary>
    public bool IsValid(string? webhookId, string? webhookTimestamp, string? webhookSignature, string body)
    {
        try
        {
            Verify(webhookId, webhookTimestamp, webhookSignature, body);
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Key(string secret) =>
        secret.StartsWith(Prefix, StringComparison.Ordinal) && TryBase64(secret[Prefix.Length..]) is { Length: > 0 } key
            ? key
            : throw new ArgumentException("A webhook secret is 'whsec_' followed by base64, as PUT /v1/webhook answered it.", nameof(secret));

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
