using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

[RequiredFields("type")]
internal sealed record CarrierCancelRequest(string? Comment, CancelType? Type);

/// <summary>A carrier cancels a service (refused once the parcel was picked: it is returned instead).</summary>
internal sealed record CancelServiceByCarrier(string CarrierId, string ServiceId, CarrierCancelRequest Request) : ICommand<ShipmentVersion>;

internal sealed class CancelServiceByCarrierValidator : AbstractValidator<CancelServiceByCarrier>
{
    public CancelServiceByCarrierValidator()
    {
        RuleFor(c => c.Request.Type).NotNull()
            .WithMessage("type is required: ERROR_CREATE_SERVICE, END_CLIENT_CANCELED, NO_THERE_DELIVERY_MAN_ASSIGN or OTHER.").OverridePropertyName("type");
        RuleFor(c => c.Request.Comment).MaximumLength(1000).OverridePropertyName("comment");
    }
}

internal sealed class CancelServiceByCarrierHandler(CarrierShipments shipments) : ICommandHandler<CancelServiceByCarrier, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(CancelServiceByCarrier command, CancellationToken cancellationToken) =>
        await shipments.Decide(command.CarrierId, command.ServiceId,
            (s, by, now) => ShipmentDecisions.Cancel(s, command.Request.Type!.Value, command.Request.Comment, by, now), cancellationToken);
}
