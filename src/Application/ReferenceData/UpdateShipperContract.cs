using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>An operator replaces a shipper's contract (countries, service level per zone, package limits, validity).</summary>
internal sealed record UpdateShipperContract(string Key, ContractRequest? Contract) : ICommand<ShipperContract>;

internal sealed class UpdateShipperContractValidator : AbstractValidator<UpdateShipperContract>
{
    public UpdateShipperContractValidator()
    {
        RuleFor(c => c.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
        RuleFor(c => c.Contract).NotNull().WithMessage("The request needs a JSON body with the contract.").OverridePropertyName("$");
        RuleFor(c => c.Contract!).SetValidator(new ContractRequestValidator()).OverridePropertyName("").When(c => c.Contract is not null);
    }
}

internal sealed class UpdateShipperContractHandler(
    IAccountDirectory accounts, ICoverageCatalog catalog, IContractStore contracts, ICaller caller)
    : ICommandHandler<UpdateShipperContract, ShipperContract>
{
    public async ValueTask<ShipperContract> Handle(UpdateShipperContract command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var organization = await Shippers.Find(accounts, command.Key, cancellationToken);
        var unknown = command.Contract!.UnknownZones(await catalog.List(cancellationToken));
        if (unknown.Count > 0)
        {
            throw new AppError(ErrorKind.BadRequest, unknown);
        }

        var contract = command.Contract.ToContract(organization.Id);
        await contracts.Save(contract, cancellationToken);
        return contract;
    }
}
