using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.Webhooks;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// A new signing secret, answered this once. For 24 hours every message carries two signatures (new and previous
/// secret), so receivers can switch without losing a message.
/// </summary>
internal sealed record RotateWebhookSecret : ICommand<RotatedSecret>;

internal sealed record RotatedSecret(string Secret, DateTimeOffset PreviousSecretExpiresAt);

internal sealed class RotateWebhookSecretHandler(IWebhookSubscriptions subscriptions, ICaller caller, IAccountDirectory accounts, TimeProvider clock)
    : ICommandHandler<RotateWebhookSecret, RotatedSecret>
{
    public async ValueTask<RotatedSecret> Handle(RotateWebhookSecret command, CancellationToken cancellationToken)
    {
        var webhook = await WebhookOwner.Mine(subscriptions, caller, accounts, cancellationToken);
        var rotated = webhook.Rotate(WebhookSignature.NewSecret(), clock.GetUtcNow());
        await subscriptions.Save(rotated, cancellationToken);
        return new RotatedSecret(rotated.Secret, rotated.PreviousSecretExpiresAt!.Value);
    }
}
