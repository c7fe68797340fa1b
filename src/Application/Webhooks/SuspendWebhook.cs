using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// The shipper pauses its webhook: from now on no message is recorded for it (resuming does not replay the pause);
/// messages recorded before wait and are sent after resume. Suspending a suspended webhook changes nothing.
/// </summary>
internal sealed record SuspendWebhook : ICommand<WebhookView>;

internal sealed class SuspendWebhookHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : ICommandHandler<SuspendWebhook, WebhookView>
{
    public async ValueTask<WebhookView> Handle(SuspendWebhook command, CancellationToken cancellationToken) =>
        await WebhookOwner.SetStatus(subscriptions, caller, accounts, WebhookStatus.Suspended, clock.GetUtcNow(), cancellationToken);
}
