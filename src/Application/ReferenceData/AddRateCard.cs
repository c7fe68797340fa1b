using System.Globalization;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData;

/// <summary>
/// An operator adds a version of a shipper's rate card: the next version number, immutable once stored; it prices orders
/// from its validFrom (the highest version in force wins), and earlier versions keep explaining earlier prices.
/// </summary>
internal sealed record AddRateCard(string Key, RateCardRequest? Card) : ICommand<RateCard>;

internal sealed class AddRateCardValidator : AbstractValidator<AddRateCard>
{
    public AddRateCardValidator()
    {
        RuleFor(c => c.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
        RuleFor(c => c.Card).NotNull().WithMessage("The request needs a JSON body with the rate card.").OverridePropertyName("$");
        RuleFor(c => c.Card!).SetValidator(new RateCardRequestValidator()).OverridePropertyName("").When(c => c.Card is not null);
    }
}

internal sealed class AddRateCardHandler(IAccountDirectory accounts, ICoverageCatalog catalog, IRateCards rateCards, ICaller caller, TimeProvider clock)
    : ICommandHandler<AddRateCard, RateCard>
{
    public async ValueTask<RateCard> Handle(AddRateCard command, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var organization = await Shippers.Find(accounts, command.Key, cancellationToken);
        var unknown = command.Card!.ZoneErrors(await catalog.List(cancellationToken));
        if (unknown.Count > 0)
        {
            throw new AppError(ErrorKind.BadRequest, unknown);
        }

        var existing = await rateCards.For(organization.Id, cancellationToken);
        var card = command.Card.ToRateCard(organization.Id, existing.Count == 0 ? 1 : existing[^1].Version + 1, clock.GetUtcNow(), caller.Actor.Id);
        return await rateCards.Add(card, cancellationToken)
            ? card
            : throw AppError.Conflict("RATE_CARD_CHANGED", "The rate card was changed at the same time by another request.",
                $"Version {card.Version} of the rate card of '{organization.Id}' was added by another request at the same time; read the versions and try again.");
    }
}

/// <summary>Every version of a shipper's rate card, newest first (operators).</summary>
internal sealed record ListRateCards(string Key) : IQuery<IReadOnlyList<RateCard>>;

internal sealed class ListRateCardsValidator : AbstractValidator<ListRateCards>
{
    public ListRateCardsValidator() => RuleFor(q => q.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
}

internal sealed class ListRateCardsHandler(IAccountDirectory accounts, IRateCards rateCards, ICaller caller)
    : IQueryHandler<ListRateCards, IReadOnlyList<RateCard>>
{
    public async ValueTask<IReadOnlyList<RateCard>> Handle(ListRateCards query, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var organization = await Shippers.Find(accounts, query.Key, cancellationToken);
        return (await rateCards.For(organization.Id, cancellationToken)).Reverse().ToList();
    }
}

/// <summary>One version of a shipper's rate card: the one a shipment's price names (operators).</summary>
internal sealed record GetRateCard(string Key, string Version) : IQuery<RateCard>;

internal sealed class GetRateCardValidator : AbstractValidator<GetRateCard>
{
    public GetRateCardValidator()
    {
        RuleFor(q => q.Key).NotEmpty().MaximumLength(100).WithState(_ => "request.path");
        RuleFor(q => q.Version).Must(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("version must be a rate card version number: 1, 2, ...").WithState(_ => "request.path");
    }
}

internal sealed class GetRateCardHandler(IAccountDirectory accounts, IRateCards rateCards, ICaller caller) : IQueryHandler<GetRateCard, RateCard>
{
    public async ValueTask<RateCard> Handle(GetRateCard query, CancellationToken cancellationToken)
    {
        caller.EnsureOperator();
        var organization = await Shippers.Find(accounts, query.Key, cancellationToken);
        var version = int.Parse(query.Version, NumberStyles.None, CultureInfo.InvariantCulture);
        return (await rateCards.For(organization.Id, cancellationToken)).FirstOrDefault(c => c.Version == version)
            ?? throw AppError.NotFound("rate card version", query.Version, "version");
    }
}
