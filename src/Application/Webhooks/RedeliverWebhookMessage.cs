using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// Sends a message again (delivered or failed): it is queued for an attempt now with the same <c>webhook-id</c> and body,
/// its retry schedule started again. A message in flight is 409 DELIVERY_IN_PROGRESS.
/// </summary>
internal sealed record RedeliverWebhookMessage(string Id) : ICommand<WebhookDelivery>;

internal sealed class RedeliverWebhookMessageValidator : AbstractValidator<RedeliverWebhookMessage>
{
    public RedeliverWebhookMessageValidator() =>
        RuleFor(c => c.Id).Must(id => Guid.TryParse(id, out _)).WithMessage("id must be a message id (a UUID) from GET /v1/webhook/deliveries.")
            .WithState(_ => "request.path");
}

internal sealed class RedeliverWebhookMessageHandler(IWebhookDeliveries deliveries, ICaller caller, IAccountDirectory accounts)
    : ICommandHandler<RedeliverWebhookMessage, WebhookDelivery>
{
    public async ValueTask<WebhookDelivery> Handle(RedeliverWebhookMessage command, CancellationToken cancellationToken)
    {
        var shipperId = await WebhookOwner.Resolve(caller, accounts, cancellationToken);
        var id = Guid.Parse(command.Id);
        if (await deliveries.Get(shipperId, id, cancellationToken) is null)
        {
            throw AppError.NotFound("webhook message", command.Id);
        }

        if (!await deliveries.Redeliver(shipperId, id, cancellationToken))
        {
            throw AppError.Conflict("DELIVERY_IN_PROGRESS", "The message is being delivered right now.",
                $"An attempt to deliver message '{id}' is in flight; wait for its outcome (GET /v1/webhook/deliveries) and retry.", "id");
        }

        return await deliveries.Get(shipperId, id, cancellationToken) ?? throw AppError.NotFound("webhook message", command.Id);
    }
}
