using System.Text.RegularExpressions;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>An operator signs up a shipper: the organization (its key is the login key), its first user and its contract, all or nothing.</summary>
internal sealed record CreateShipper(string? Key, string? Name, NewUserRequest? User, ContractRequest? Contract) : ICommand<ShipperView>;

internal sealed record NewUserRequest(string? Email, string? Password)
{
    // A record prints every member: keep the password out of any log line that prints the command.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Email = ").Append(Email).Append(", Password = ***");
        return true;
    }
}

internal sealed partial class CreateShipperValidator : AbstractValidator<CreateShipper>
{
    public const int MinimumPasswordLength = 12;

    public CreateShipperValidator()
    {
        RuleFor(c => c.Key).NotEmpty().WithMessage("key is required (the organization key used to log in, e.g. acme-mx).");
        RuleFor(c => c.Key).Must(k => KeyPattern().IsMatch(k!)).When(c => !string.IsNullOrEmpty(c.Key))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage("key must be 3 to 50 characters among a-z, 0-9 and '-', starting and ending with a letter or digit (e.g. acme-mx).");
        RuleFor(c => c.Name).NotEmpty().WithMessage("name is required.").MaximumLength(200);
        RuleFor(c => c.User).NotNull().WithMessage("user is required: the first user's email and password.").SetValidator(new NewUserRequestValidator()!);
        RuleFor(c => c.Contract).NotNull().WithMessage("contract is required.").SetValidator(new ContractRequestValidator()!);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")]
    private static partial Regex KeyPattern();
}

internal sealed class NewUserRequestValidator : AbstractValidator<NewUserRequest>
{
    public NewUserRequestValidator()
    {
        RuleFor(u => u.Email).NotEmpty().WithMessage("email is required.");
        RuleFor(u => u.Email).EmailAddress().MaximumLength(200).When(u => !string.IsNullOrEmpty(u.Email))
            .WithErrorCode("INVALID_PARAMETER").WithMessage("email is not a valid e-mail address.");
        RuleFor(u => u.Password).NotEmpty().WithMessage("password is required.");
        RuleFor(u => u.Password).Must(p => p!.Length is >= CreateShipperValidator.MinimumPasswordLength and <= 128)
            .When(u => !string.IsNullOrEmpty(u.Password))
            .WithErrorCode("INVALID_PARAMETER")
            .WithMessage($"password must have {CreateShipperValidator.MinimumPasswordLength} to 128 characters.");
    }
}

internal sealed class CreateShipperHandler(
    IAccountDirectory accounts,
    IShipperRegistry registry,
    ICoverageCatalog catalog,
    IContractStore contracts,
    IPasswordHashing passwords,
    ICaller caller) : ICommandHandler<CreateShipper, ShipperView>
{
    public async ValueTask<ShipperView> Handle(CreateShipper command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var key = command.Key!;
        if (await accounts.FindOrganization(key, cancellationToken) is not null)
        {
            throw AlreadyExists(key);
        }

        var unknown = command.Contract!.UnknownZones(await catalog.List(cancellationToken), "contract.");
        if (unknown.Count > 0)
        {
            throw new AppError(ErrorKind.BadRequest, unknown);
        }

        var organization = new Organization(key, command.Name!.Trim(), OrganizationKind.Shipper, Active: true);
        var email = command.User!.Email!.Trim();
        var user = new UserAccount(UserAccount.IdFor(key, email), key, email, passwords.Hash(command.User.Password!), [Roles.Shipper], Active: true);
        if (!await registry.Create(organization, user, command.Contract.ToContract(key), cancellationToken))
        {
            throw AlreadyExists(key);
        }

        return await Shippers.View(organization, registry, contracts, cancellationToken);
    }

    private static AppError AlreadyExists(string key) =>
        AppError.Conflict("ALREADY_EXISTS", "The resource you tried to create already exists.",
            $"An organization with key '{key}' already exists.", "key");
}
