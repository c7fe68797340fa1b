using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>
/// An operator deletes a coverage zone: its postal codes are no longer covered from the next lookup. Refused while a
/// contract still promises a service level there (edit those contracts first), so no contract names a missing zone.
/// </summary>
internal sealed record DeleteCoverageZone(string ZoneId) : ICommand<DeletedCoverageZone>;

internal sealed record DeletedCoverageZone(string Id, bool Deleted);

internal sealed class DeleteCoverageZoneValidator : AbstractValidator<DeleteCoverageZone>
{
    public DeleteCoverageZoneValidator() =>
        RuleFor(c => c.ZoneId).Must(ZoneIds.IsValid).WithErrorCode("INVALID_PARAMETER").WithMessage(ZoneIds.Format).WithState(_ => "request.path");
}

internal sealed class DeleteCoverageZoneHandler(ICoverageCatalog catalog, IShipperRegistry shippers, ICaller caller)
    : ICommandHandler<DeleteCoverageZone, DeletedCoverageZone>
{
    public async ValueTask<DeletedCoverageZone> Handle(DeleteCoverageZone command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        if (await catalog.Get(command.ZoneId, cancellationToken) is null)
        {
            throw AppError.NotFound("coverage zone", command.ZoneId, "zoneId");
        }

        var served = await shippers.ShippersServedIn(command.ZoneId, cancellationToken);
        if (served.Count > 0)
        {
            throw new AppError(ErrorKind.Conflict, "ZONE_IN_USE", "The zone is still part of shipper contracts.",
                $"The contracts of {string.Join(", ", served.Order(StringComparer.Ordinal).Select(s => $"'{s}'"))} have a service level for zone " +
                $"'{command.ZoneId}'; remove it from them (PUT /v1/admin/shippers/{{key}}/contract) before deleting the zone.",
                "zoneId", "request.path");
        }

        return new DeletedCoverageZone(command.ZoneId, await catalog.Delete(command.ZoneId, cancellationToken));
    }
}
