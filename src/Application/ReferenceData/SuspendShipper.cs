using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>
/// An operator suspends a shipper: its users get 403 ACCOUNT_SUSPENDED at login (and on every call with a token
/// issued before). Its shipments and contract are kept. Suspending a suspended shipper changes nothing.
/// </summary>
internal sealed record SuspendShipper(string Key) : ICommand<ShipperView>;

internal sealed class SuspendShipperValidator : AbstractValidator<SuspendShipper>
{
    public SuspendShipperValidator() => RuleFor(c => c.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
}

internal sealed class SuspendShipperHandler(IAccountDirectory accounts, IShipperRegistry registry, IContractStore contracts, ICaller caller)
    : ICommandHandler<SuspendShipper, ShipperView>
{
    public async ValueTask<ShipperView> Handle(SuspendShipper command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        return await Shippers.SetActive(command.Key, false, accounts, registry, contracts, cancellationToken);
    }
}
