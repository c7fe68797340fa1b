using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>Deletes the shipper's webhook; its undelivered messages fail (they stay listed, and redeliverable to a new webhook).</summary>
internal sealed record DeleteWebhook : ICommand<bool>;

internal sealed class DeleteWebhookHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts)
    : ICommandHandler<DeleteWebhook, bool>
{
    public async ValueTask<bool> Handle(DeleteWebhook command, CancellationToken cancellationToken)
    {
        var shipperId = await WebhookOwner.Resolve(caller, accounts, cancellationToken);
        return await subscriptions.Delete(shipperId, cancellationToken) ? true : throw WebhookOwner.NoWebhook();
    }
}
