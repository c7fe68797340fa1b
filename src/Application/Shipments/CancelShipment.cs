using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>A shipper (or an operator) cancels a shipment that no courier has picked yet.</summary>
internal sealed record CancelShipment(string Id, CancelType? Type, string? Comment, long? ExpectedVersion) : ICommand<ShipmentVersion>;

internal sealed class CancelShipmentValidator : AbstractValidator<CancelShipment>
{
    public CancelShipmentValidator()
    {
        RuleFor(c => c.Id).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Type).IsInEnum().When(c => c.Type.HasValue);
        RuleFor(c => c.Comment).MaximumLength(500);
    }
}

internal sealed class CancelShipmentHandler(ShipmentAccess access, IShipmentStore store, ICaller caller, TimeProvider clock)
    : ICommandHandler<CancelShipment, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(CancelShipment command, CancellationToken cancellationToken)
    {
        if (!caller.IsInRole(Roles.Shipper) && !caller.IsInRole(Roles.Operator))
        {
            throw AppError.Forbidden("FORBIDDEN", "Only the shipper that owns a shipment, or a Cargamos operator, can cancel it.");
        }

        var shipment = await access.Resolve(command.Id, cancellationToken);
        return await store.Decide(shipment.Id, command.ExpectedVersion,
            s => ShipmentDecisions.Cancel(s, command.Type ?? CancelType.EndClientCanceled, command.Comment, caller.Actor, clock.GetUtcNow()),
            cancellationToken);
    }
}
