using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>Queues a <c>webhook.test</c> message, delivered (signed, retried) like every other message.</summary>
internal sealed record SendTestWebhook : ICommand<WebhookDelivery>;

internal sealed class SendTestWebhookHandler(
    IWebhookSubscriptions subscriptions, IWebhookDeliveries deliveries, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : ICommandHandler<SendTestWebhook, WebhookDelivery>
{
    public async ValueTask<WebhookDelivery> Handle(SendTestWebhook command, CancellationToken cancellationToken)
    {
        var shipperId = await WebhookOwner.Resolve(caller, accounts, cancellationToken);
        var webhook = await WebhookOwner.Existing(subscriptions, shipperId, cancellationToken);
        if (webhook.Status != WebhookStatus.Active)
        {
            throw AppError.Conflict("WEBHOOK_NOT_ACTIVE", "The webhook is not active.",
                $"The webhook is {webhook.Status.ToString().ToUpperInvariant()}: resume it (POST /v1/webhook/resume) before sending a test event.");
        }

        var message = WebhookMessages.ForTest(Guid.CreateVersion7(), clock.GetUtcNow(), shipperId, webhook.Url);
        return await deliveries.Enqueue(shipperId, message, cancellationToken);
    }
}
