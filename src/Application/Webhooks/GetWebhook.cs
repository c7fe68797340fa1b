using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>The shipper's webhook, without its secret.</summary>
internal sealed record GetWebhook : IQuery<WebhookView>;

internal sealed class GetWebhookHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : IQueryHandler<GetWebhook, WebhookView>
{
    public async ValueTask<WebhookView> Handle(GetWebhook query, CancellationToken cancellationToken) =>
        WebhookView.Of(await WebhookOwner.Mine(subscriptions, caller, accounts, cancellationToken), clock.GetUtcNow());
}
