using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>The shipper's webhook, without its secret, with its breaker.</summary>
internal sealed record GetWebhook : IQuery<WebhookView>;

internal sealed class GetWebhookHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : IQueryHandler<GetWebhook, WebhookView>
{
    public async ValueTask<WebhookView> Handle(GetWebhook query, CancellationToken cancellationToken)
    {
        var webhook = await WebhookOwner.Mine(subscriptions, caller, accounts, cancellationToken);
        return WebhookView.Of(webhook, clock.GetUtcNow(), await subscriptions.Breaker(webhook.Id, cancellationToken));
    }
}
