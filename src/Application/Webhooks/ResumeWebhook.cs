using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// The shipper resumes a suspended webhook (or one Cargamos disabled after a 410): status changes from now on are
/// delivered again; those of the suspended period are not replayed. Resuming an active webhook changes nothing.
/// </summary>
internal sealed record ResumeWebhook : ICommand<WebhookView>;

internal sealed class ResumeWebhookHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : ICommandHandler<ResumeWebhook, WebhookView>
{
    public async ValueTask<WebhookView> Handle(ResumeWebhook command, CancellationToken cancellationToken) =>
        await WebhookOwner.SetStatus(subscriptions, caller, accounts, WebhookStatus.Active, clock.GetUtcNow(), cancellationToken);
}
