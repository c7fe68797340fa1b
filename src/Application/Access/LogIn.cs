using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;

namespace Cargamos.Modular.Application.Access;

/// <summary>The Cargamos login: organization key plus HTTP Basic user and password give a bearer token.</summary>
internal sealed record LogIn(string OrganizationKey, string User, string Password) : ICommand<IssuedToken>;

internal sealed class LogInValidator : AbstractValidator<LogIn>
{
    public LogInValidator()
    {
        RuleFor(c => c.OrganizationKey).NotEmpty().MaximumLength(100).OverridePropertyName("key");
    }
}

internal sealed class LogInHandler(IAccountDirectory accounts, IPasswordHashing passwords, ITokenIssuer tokens)
    : ICommandHandler<LogIn, IssuedToken>
{
    // One answer for a wrong key, user or password: the caller must not learn which part was wrong.
    private static AppError Rejected() => AppError.Unauthorized("The organization key, user or password is not valid.");

    public async ValueTask<IssuedToken> Handle(LogIn command, CancellationToken cancellationToken)
    {
        var organization = await accounts.FindOrganization(command.OrganizationKey, cancellationToken);
        var user = organization is null ? null : await accounts.FindUser(organization.Id, command.User, cancellationToken);
        var passwordOk = passwords.Verify(user?.PasswordHash, command.Password);
        if (organization is null || user is null || !passwordOk || !user.Active)
        {
            throw Rejected();
        }

        if (!organization.Active)
        {
            throw new AppError(ErrorKind.Forbidden, "ACCOUNT_SUSPENDED", "The organization is not allowed to use the service.",
                $"The organization '{organization.Id}' is suspended; contact Cargamos.", "key", "request.query");
        }

        return tokens.Issue(user, organization);
    }
}
