using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>The VTEX "pause service" body, as VTEX sends it.</summary>
/// <summary>VTEX's pause body; <c>settings</c> and <c>metaData</c> (the current protocol's) are accepted and not stored.</summary>
[RequiredFields("serviceId", "carrierId", "pause")]
internal sealed record VtexPauseRequest(
    string? ServiceId, string? CarrierId, bool? Pause, string? Reason, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<VtexSettingRequest?>? Settings = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] System.Text.Json.JsonElement? MetaData = null);

/// <summary>
/// VTEX pauses (<c>pause: true</c>: ON_HOLD, END_CLIENT_PAUSE, comment = reason) or continues (<c>pause: false</c>: back
/// to the status the hold interrupted) a service, through the transition table: pausing a held service records
/// nothing; continuing a service that is not on hold is refused (409 INVALID_STATUS_TRANSITION).
/// </summary>
internal sealed record PauseVtexService(string VtexAccountId, string? ServiceId, string? CarrierId, bool? Pause, string? Reason)
    : ICommand<ShipmentVersion>;

internal sealed class PauseVtexServiceValidator : AbstractValidator<PauseVtexService>
{
    public PauseVtexServiceValidator()
    {
        RuleFor(c => c.ServiceId).NotEmpty().WithMessage("serviceId is required.").MaximumLength(100);
        RuleFor(c => c.CarrierId).NotEmpty().WithMessage("carrierId is required.").MaximumLength(100);
        RuleFor(c => c.Pause).NotNull().WithMessage("pause (true to pause, false to continue) is required.");
        RuleFor(c => c.Reason).MaximumLength(1000);
    }
}

internal sealed class PauseVtexServiceHandler(VtexServiceAccess access, IShipmentStore store, ICaller caller, TimeProvider clock)
    : ICommandHandler<PauseVtexService, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(PauseVtexService command, CancellationToken cancellationToken)
    {
        var shipment = await access.Resolve(command.VtexAccountId, command.CarrierId!.Trim(), command.ServiceId!.Trim(), cancellationToken);
        return await store.Decide(shipment.Id, null,
            s => command.Pause!.Value
                ? ShipmentDecisions.PutOnHold(s, HoldType.EndClientPause, command.Reason, caller.Actor, clock.GetUtcNow())
                // pause:false asks for "not paused": already so when not on hold (VTEX retries must be idempotent).
                : s.Status == ShipmentStatus.OnHold ? ShipmentDecisions.Resume(s, command.Reason, caller.Actor, clock.GetUtcNow()) : [],
            cancellationToken);
    }
}
