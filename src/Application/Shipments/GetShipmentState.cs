using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Shipments;

/// <summary>The shipment as it was at a stream version or at a moment (neither: as it is now).</summary>
internal sealed record GetShipmentState(string Id, long? Version, DateTimeOffset? At) : IQuery<Shipment>;

internal sealed class GetShipmentStateValidator : AbstractValidator<GetShipmentState>
{
    public GetShipmentStateValidator()
    {
        RuleFor(q => q.Id).NotEmpty().MaximumLength(100);
        RuleFor(q => q.Version).GreaterThan(0).When(q => q.Version.HasValue);
        RuleFor(q => q).Must(q => !(q.Version.HasValue && q.At.HasValue))
            .WithName("version").WithMessage("Give either 'version' or 'at', not both.");
    }
}

internal sealed class GetShipmentStateHandler(ShipmentAccess access, IShipmentStore store) : IQueryHandler<GetShipmentState, Shipment>
{
    public async ValueTask<Shipment> Handle(GetShipmentState query, CancellationToken cancellationToken)
    {
        var shipment = await access.Resolve(query.Id, cancellationToken);
        if (query.Version > shipment.Version)
        {
            throw new AppError(ErrorKind.NotFound, "VERSION_NOT_FOUND", "The requested version does not exist.",
                $"The shipment's stream has {shipment.Version} events; version {query.Version} does not exist yet.", "version", "request.query");
        }

        return await store.GetState(shipment.Id, query.Version, query.At, cancellationToken)
            ?? throw new AppError(ErrorKind.NotFound, "NOT_FOUND_AT_TIME", "The shipment did not exist at that time.",
                $"The shipment was created after {query.At:O}.", "at", "request.query");
    }
}
