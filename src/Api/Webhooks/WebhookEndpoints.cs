using System.Text.Json;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks;
using Cargamos.Modular.Domain.Shipments;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Api.Webhooks;

/// <summary>A shipper's webhook: registration, suspension, secret rotation, test events and the deliveries log (docs/webhooks.md).</summary>
internal static class WebhookEndpoints
{
    [RequiredFields("url", "states")]
    public sealed record PutWebhookRequest(string? Url, IReadOnlyList<ShipmentStatus>? States, string? Description);

    /// <summary>The webhook with its signing secret: only in the answer that created the webhook (null when it replaced one).</summary>
    public sealed record WebhookWithSecretView(
        string Url, IReadOnlyList<ShipmentStatus> States, string? Description, WebhookStatus Status, string? DisabledReason,
        DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, WebhookBreaker Breaker, string? Secret);

    public sealed record WebhookDeletedView(bool Deleted);

    public sealed record DeliveryView(
        Guid Id, string Type, Guid? ShipmentId, long? Version, DeliveryStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
        DateTimeOffset? DeliveredAt, string? LastError, JsonElement Payload, IReadOnlyList<DeliveryAttempt> Attempts);

    public sealed record DeliveryPageView(IReadOnlyList<DeliveryView> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/webhook")
            .WithTags("Webhooks")
            .RequireAuthorization(p => p.RequireRole(Roles.Shipper));

        group.MapPut("", Put)
            .WithName("PutWebhook")
            .WithSummary("Register or replace your webhook")
            .WithDescription("One webhook per shipper. Every status transition of your shipments whose state you chose is POSTed to `url`, " +
                             "signed (Standard Webhooks) and retried for about 3 days. The request example is a complete body.\n\n" +
                             "`states`: at least one of CREATED, PENDING, ASSIGNED, PICKED, ON_ROUTE, INCIDENT, RETURNED, DELIVERED, CANCELED, ON_HOLD. " +
                             "201 when created, with the signing secret (`whsec_…`): it is shown this once. 200 when it replaced your webhook: " +
                             "the secret is kept (`secret` null) and so is a suspension; a webhook disabled after a 410 becomes active again. " +
                             "`url` must be https outside Development and reach a public internet address (400 INVALID_PARAMETER otherwise).")
            .Accepts<PutWebhookRequest>("application/json")
            .Produces<ApiEnvelope<WebhookWithSecretView>>(StatusCodes.Status201Created)
            .Produces<ApiEnvelope<WebhookWithSecretView>>()
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403);

        group.MapGet("", Get)
            .WithName("GetWebhook")
            .WithSummary("Your webhook (without its secret)")
            .WithDescription("`status`: ACTIVE, SUSPENDED (by you) or DISABLED (the endpoint answered 410 Gone; `disabledReason` says when). " +
                             "`previousSecretExpiresAt`: until then messages are also signed with the secret before the last rotation. " +
                             "`breaker`: CLOSED, OPEN (your endpoint kept failing: nothing is attempted until `nextProbeAt`) or PROBING (one " +
                             "message is probing it; its delivery closes the breaker and sends what waited), with `consecutiveFailures` since the last delivery.")
            .Produces<ApiEnvelope<WebhookView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapDelete("", Delete)
            .WithName("DeleteWebhook")
            .WithSummary("Delete your webhook")
            .WithDescription("Undelivered messages fail (they stay in the deliveries log).")
            .Produces<ApiEnvelope<WebhookDeletedView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapPost("/suspend", Suspend)
            .WithName("SuspendWebhook")
            .WithSummary("Suspend deliveries")
            .WithDescription("While suspended, status changes produce no message, and resuming does not replay them. Messages recorded before " +
                             "the suspension wait and are sent after resume.")
            .Produces<ApiEnvelope<WebhookView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapPost("/resume", Resume)
            .WithName("ResumeWebhook")
            .WithSummary("Resume deliveries")
            .WithDescription("Status changes from now on are delivered again (also for a webhook disabled after a 410).")
            .Produces<ApiEnvelope<WebhookView>>()
            .Produces<ErrorEnvelope>(404);

        group.MapPost("/rotate-secret", Rotate)
            .WithName("RotateWebhookSecret")
            .WithSummary("Rotate the signing secret")
            .WithDescription("Answers the new secret once. For 24 hours every message carries two signatures, with the new and the previous secret.")
            .Produces<ApiEnvelope<RotatedSecret>>()
            .Produces<ErrorEnvelope>(404);

        group.MapPost("/test", Test)
            .WithName("SendTestWebhook")
            .WithSummary("Send a test event")
            .WithDescription("Queues a `webhook.test` message, delivered like any other (signed, retried, in the deliveries log). 409 WEBHOOK_NOT_ACTIVE when suspended or disabled.")
            .Produces<ApiEnvelope<DeliveryView>>(StatusCodes.Status202Accepted)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409);

        group.MapGet("/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("Your webhook messages and their delivery attempts, newest first")
            .WithDescription("`status`: PENDING, SENDING, DELIVERED or FAILED. Each message has its exact payload and every attempt " +
                             "(time, HTTP status, duration, error). Keyset pagination: pass `nextCursor` as `cursor`; `limit` 1..200 (default 50).")
            .Produces<ApiEnvelope<DeliveryPageView>>()
            .Produces<ErrorEnvelope>(400);

        group.MapPost("/deliveries/{id}/redeliver", Redeliver)
            .WithName("RedeliverWebhookMessage")
            .WithSummary("Send a message again")
            .WithDescription("Delivered or failed: queued for an attempt now, with the same webhook-id and body, its retry schedule started again. " +
                             "409 DELIVERY_IN_PROGRESS while an attempt is in flight.")
            .Produces<ApiEnvelope<DeliveryView>>(StatusCodes.Status202Accepted)
            .Produces<ErrorEnvelope>(404)
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    private static async Task<IResult> Put([FromBody] PutWebhookRequest? body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var result = await mediator.Send(new PutWebhook(body?.Url, body?.States, body?.Description), ct);
        var w = result.Webhook;
        var view = new WebhookWithSecretView(w.Url, w.States, w.Description, w.Status, w.DisabledReason, w.PreviousSecretExpiresAt, w.CreatedAt, w.UpdatedAt,
            w.Breaker, result.Secret);
        return result.Created ? Envelopes.Created(http, "/v1/webhook", view) : Envelopes.Ok(http, view);
    }

    private static async Task<IResult> Get(HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new GetWebhook(), ct));

    private static async Task<IResult> Delete(HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, new WebhookDeletedView(await mediator.Send(new DeleteWebhook(), ct)));

    private static async Task<IResult> Suspend(HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new SuspendWebhook(), ct));

    private static async Task<IResult> Resume(HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new ResumeWebhook(), ct));

    private static async Task<IResult> Rotate(HttpContext http, ISender mediator, CancellationToken ct) =>
        Envelopes.Ok(http, await mediator.Send(new RotateWebhookSecret(), ct));

    private static async Task<IResult> Test(HttpContext http, ISender mediator, CancellationToken ct) =>
        Accepted(http, View(await mediator.Send(new SendTestWebhook(), ct)));

    private static async Task<IResult> Deliveries(string? status, string? cursor, string? limit, HttpContext http, ISender mediator, CancellationToken ct)
    {
        var page = await mediator.Send(new ListWebhookDeliveries(status, cursor, QueryParameters.Limit(limit)), ct);
        return Envelopes.Ok(http, new DeliveryPageView(page.Items.Select(View).ToList(), page.NextCursor));
    }

    private static async Task<IResult> Redeliver(string id, HttpContext http, ISender mediator, CancellationToken ct) =>
        Accepted(http, View(await mediator.Send(new RedeliverWebhookMessage(id), ct)));

    private static IResult Accepted<T>(HttpContext http, T data) => TypedResults.Json(Envelopes.Wrap(http, 202, data), statusCode: StatusCodes.Status202Accepted);

    private static DeliveryView View(WebhookDelivery d)
    {
        using var payload = JsonDocument.Parse(d.Payload);
        return new DeliveryView(d.Id, d.Type, d.ShipmentId, d.Version, d.Status, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.LastError,
            payload.RootElement.Clone(), d.Attempts);
    }
}
