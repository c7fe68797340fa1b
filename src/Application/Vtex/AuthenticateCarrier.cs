using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>A carrier exchanges its API key for a token (<c>POST /token</c> of the VTEX document).</summary>
internal sealed record AuthenticateCarrier(string? ApiKey) : ICommand<CarrierAccount>;

internal sealed class AuthenticateCarrierValidator : AbstractValidator<AuthenticateCarrier>
{
    public AuthenticateCarrierValidator() => RuleFor(c => c.ApiKey).NotEmpty().WithMessage("apiKey is required.").MaximumLength(1000);
}

internal sealed class AuthenticateCarrierHandler(ICarrierDirectory carriers) : ICommandHandler<AuthenticateCarrier, CarrierAccount>
{
    public async ValueTask<CarrierAccount> Handle(AuthenticateCarrier command, CancellationToken cancellationToken)
    {
        var carrier = await carriers.FindByApiKey(command.ApiKey!, cancellationToken);
        return carrier is { Active: true }
            ? carrier
            : throw AppError.Unauthorized("The apiKey is not valid, or its carrier is not active.");
    }
}
