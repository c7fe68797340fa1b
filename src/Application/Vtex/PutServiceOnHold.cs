using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

[RequiredFields("type")]
internal sealed record CarrierHoldRequest(string? Comment, HoldType? Type);

/// <summary>A carrier temporarily pauses a service; a later status update (or VTEX's pause:false) resumes it.</summary>
internal sealed record PutServiceOnHold(string CarrierId, string ServiceId, CarrierHoldRequest Request) : ICommand<ShipmentVersion>;

internal sealed class PutServiceOnHoldValidator : AbstractValidator<PutServiceOnHold>
{
    public PutServiceOnHoldValidator()
    {
        RuleFor(c => c.Request.Type).NotNull()
            .WithMessage("type is required: ERROR_CREATE_SERVICE, END_CLIENT_PAUSE, NO_THERE_DELIVERY_MAN_ASSIGN or OTHER.").OverridePropertyName("type");
        RuleFor(c => c.Request.Comment).MaximumLength(1000).OverridePropertyName("comment");
    }
}

internal sealed class PutServiceOnHoldHandler(CarrierShipments shipments) : ICommandHandler<PutServiceOnHold, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(PutServiceOnHold command, CancellationToken cancellationToken) =>
        await shipments.Decide(command.CarrierId, command.ServiceId,
            (s, by, now) => ShipmentDecisions.PutOnHold(s, command.Request.Type!.Value, command.Request.Comment, by, now), cancellationToken);
}
