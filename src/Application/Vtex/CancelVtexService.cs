using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>The VTEX "cancel service" body, as VTEX sends it.</summary>
/// <summary>VTEX's cancel body; <c>settings</c> and <c>metaData</c> (the current protocol's) are accepted and not stored.</summary>
[RequiredFields("serviceId", "carrierId")]
internal sealed record VtexCancelRequest(
    string? ServiceId, string? CarrierId, string? Reason, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<VtexSettingRequest?>? Settings = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] System.Text.Json.JsonElement? MetaData = null);

/// <summary>
/// VTEX cancels a service for its end client: the shipment is canceled (END_CLIENT_CANCELED, comment = reason) through
/// the transition table, so a parcel a courier already picked is refused (409 INVALID_STATUS_TRANSITION).
/// </summary>
internal sealed record CancelVtexService(string VtexAccountId, string? ServiceId, string? CarrierId, string? Reason) : ICommand<ShipmentVersion>;

internal sealed class CancelVtexServiceValidator : AbstractValidator<CancelVtexService>
{
    public CancelVtexServiceValidator()
    {
        RuleFor(c => c.ServiceId).NotEmpty().WithMessage("serviceId is required.").MaximumLength(100);
        RuleFor(c => c.CarrierId).NotEmpty().WithMessage("carrierId is required.").MaximumLength(100);
        RuleFor(c => c.Reason).MaximumLength(1000);
    }
}

internal sealed class CancelVtexServiceHandler(VtexServiceAccess access, IShipmentStore store, ICaller caller, TimeProvider clock)
    : ICommandHandler<CancelVtexService, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(CancelVtexService command, CancellationToken cancellationToken)
    {
        var shipment = await access.Resolve(command.VtexAccountId, command.CarrierId!.Trim(), command.ServiceId!.Trim(), cancellationToken);
        return await store.Decide(shipment.Id, null,
            s => ShipmentDecisions.Cancel(s, CancelType.EndClientCanceled, command.Reason, caller.Actor, clock.GetUtcNow()),
            cancellationToken);
    }
}
