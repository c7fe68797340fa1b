using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;

namespace Cargamos.Modular.Application.Access;

/// <summary>The Cargamos login: organization key plus HTTP Basic user and password give a bearer token.</summary>
internal sealed record LogIn(string OrganizationKey, string User, string Password, string ClientAddress = "unknown") : ICommand<IssuedToken>;

internal sealed class LogInValidator : AbstractValidator<LogIn>
{
    public LogInValidator()
    {
        RuleFor(c => c.OrganizationKey).NotEmpty().MaximumLength(100).OverridePropertyName("key");
    }
}

/// <remarks>
/// After <see cref="RateLimitOptions.FreeFailures"/> failures of one user (organization key and user, whether they exist
/// or not) each further attempt waits, doubling per failure up to <see cref="RateLimitOptions.MaxBackoff"/>: 429 with
/// Retry-After, decided before any password is hashed. The hashing itself runs a bounded number at a time.
/// </remarks>
internal sealed class LogInHandler(
    IAccountDirectory accounts, IPasswordHashing passwords, ITokenIssuer tokens, FailureBackoff backoff, RateLimitOptions options, CargamosMetrics metrics)
    : ICommandHandler<LogIn, IssuedToken>
{
    // One answer for a wrong key, user or password: the caller must not learn which part was wrong.
    private static AppError Rejected() => AppError.Unauthorized("The organization key, user or password is not valid.");

    public async ValueTask<IssuedToken> Handle(LogIn command, CancellationToken cancellationToken)
    {
        // The user from this address waits after a few failures; the user from everywhere after four times as many (a
        // guesser spread over many addresses), so one attacker alone cannot make the real user wait.
        var user = $"login:{command.OrganizationKey.Trim().ToLowerInvariant()}/{command.User.Trim().ToLowerInvariant()}";
        var fromHere = $"{user}@{command.ClientAddress}";
        if (backoff.Wait(fromHere, user) is { } wait)
        {
            metrics.RateLimited(CargamosMetrics.Policies.LoginBackoff);
            throw AppError.TooManyRequests(
                $"Too many failed logins for this user; the next attempt is accepted in {Math.Ceiling(wait.TotalSeconds):0} s (Retry-After).", wait);
        }

        var organization = await accounts.FindOrganization(command.OrganizationKey, cancellationToken);
        var account = organization is null ? null : await accounts.FindUser(organization.Id, command.User, cancellationToken);
        var passwordOk = await passwords.VerifyAsync(account?.PasswordHash, command.Password, cancellationToken);
        if (organization is null || account is null || !passwordOk || !account.Active)
        {
            backoff.Failed(fromHere);
            backoff.Failed(user, 4 * options.FreeFailures);
            throw Rejected();
        }

        backoff.Succeeded(fromHere);
        backoff.Succeeded(user);

        if (!organization.Active)
        {
            throw new AppError(ErrorKind.Forbidden, "ACCOUNT_SUSPENDED", "The organization is not allowed to use the service.",
                $"The organization '{organization.Id}' is suspended; contact Cargamos.", "key", "request.query");
        }

        return tokens.Issue(account, organization);
    }
}
