using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>An operator lifts a suspension: the shipper's users can log in again. Activating an active shipper changes nothing.</summary>
internal sealed record ActivateShipper(string Key) : ICommand<ShipperView>;

internal sealed class ActivateShipperValidator : AbstractValidator<ActivateShipper>
{
    public ActivateShipperValidator() => RuleFor(c => c.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
}

internal sealed class ActivateShipperHandler(IAccountDirectory accounts, IShipperRegistry registry, IContractStore contracts, ICaller caller)
    : ICommandHandler<ActivateShipper, ShipperView>
{
    public async ValueTask<ShipperView> Handle(ActivateShipper command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        return await Shippers.SetActive(command.Key, true, accounts, registry, contracts, cancellationToken);
    }
}
