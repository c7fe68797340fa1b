using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Webhooks.Ports;
using Cargamos.Modular.Application.Common;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Webhooks;

/// <summary>
/// The shipper's webhook messages, newest first, each with its attempts; <paramref name="Status"/> PENDING, SENDING,
/// DELIVERED or FAILED; keyset pagination: <paramref name="Cursor"/> is the previous page's <c>nextCursor</c>.
/// </summary>
internal sealed record ListWebhookDeliveries(string? Status, string? Cursor, int Limit) : IQuery<WebhookDeliveryPage>;

internal sealed class ListWebhookDeliveriesValidator : AbstractValidator<ListWebhookDeliveries>
{
    public ListWebhookDeliveriesValidator()
    {
        RuleFor(q => q.Status).Must(s => Parse(s) is not null).When(q => q.Status is not null)
            .WithMessage("Value is not a valid enumeration member; permitted: 'PENDING', 'SENDING', 'DELIVERED', 'FAILED'.")
            .WithState(_ => "request.query");
        RuleFor(q => q.Cursor).PageCursor(c => Guid.TryParse(c, out _));
        RuleFor(q => q.Limit).PageLimit();
    }

    public static DeliveryStatus? Parse(string? status) =>
        Enum.GetValues<DeliveryStatus>().Cast<DeliveryStatus?>()
            .FirstOrDefault(s => string.Equals(s.ToString(), status, StringComparison.OrdinalIgnoreCase));
}

internal sealed class ListWebhookDeliveriesHandler(IWebhookDeliveries deliveries, ICaller caller, IAccountDirectory accounts)
    : IQueryHandler<ListWebhookDeliveries, WebhookDeliveryPage>
{
    public async ValueTask<WebhookDeliveryPage> Handle(ListWebhookDeliveries query, CancellationToken cancellationToken)
    {
        var shipperId = await WebhookOwner.Resolve(caller, accounts, cancellationToken);
        var found = await deliveries.List(shipperId, ListWebhookDeliveriesValidator.Parse(query.Status),
            query.Cursor is null ? null : Guid.Parse(query.Cursor), query.Limit + 1, cancellationToken);
        var items = found.Take(query.Limit).ToList();
        return new WebhookDeliveryPage(items, found.Count > query.Limit ? items[^1].Id.ToString() : null);
    }
}
