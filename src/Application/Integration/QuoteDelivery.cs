using Cargamos.Modular.Application.Common.Errors;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;

namespace Cargamos.Modular.Application.Integration;

/// <summary>
/// What a delivery would cost and when it would arrive, without creating anything (POST /v1/rates). The body is a
/// delivery order, or just its destination (country, postal code) and package; dates are optional.
/// </summary>
internal sealed record QuoteDelivery(RateRequest Request) : IQuery<DeliveryQuote>, IShipperRequest;

internal sealed class QuoteDeliveryValidator : AbstractValidator<QuoteDelivery>
{
    public QuoteDeliveryValidator() => RuleFor(q => q.Request).SetValidator(new RateRequestValidator()).OverridePropertyName("");
}

internal sealed class QuoteDeliveryHandler(DeliveryOrderIntake intake, AuthorizedShipper shipper)
    : IQueryHandler<QuoteDelivery, DeliveryQuote>
{
    public async ValueTask<DeliveryQuote> Handle(QuoteDelivery query, CancellationToken cancellationToken)
    {
        var r = query.Request;
        var dropoff = DeliveryOrderRequestValidator.ParseDate(r.ShipperDropoffDate);
        var expected = DeliveryOrderRequestValidator.ParseDate(r.ExpectedDeliveryDate);
        var quote = await intake.Quote(shipper.Contract, r.RecipientLocation!, r.PackageInformation!, dropoff, expected, cancellationToken);
        return quote.Quote ?? throw new AppError(quote.Kind, quote.Errors);
    }
}
