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

internal sealed class RateRequestValidator : AbstractValidator<RateRequest>
{
    public RateRequestValidator()
    {
        RuleFor(r => r.RecipientLocation).NotNull().WithMessage("recipientLocation (country and postalCode) is required.")
            .SetValidator(new DestinationValidator()!);
        RuleFor(r => r.PackageInformation).NotNull().WithMessage("packageInformation is required.")
            .SetValidator(new PackageInformationValidator()!);
        RuleFor(r => r.ShipperDropoffDate).Must(v => DeliveryOrderRequestValidator.ParseDate(v) is not null).When(r => r.ShipperDropoffDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("shipperDropoffDate must be an ISO 8601 date-time with offset, e.g. 2026-12-01T10:00:00-06:00.");
        RuleFor(r => r.ExpectedDeliveryDate).Must(v => DeliveryOrderRequestValidator.ParseDate(v) is not null).When(r => r.ExpectedDeliveryDate is not null)
            .WithErrorCode("INVALID_PARAMETER").WithMessage("expectedDeliveryDate must be an ISO 8601 date-time with offset, e.g. 2026-12-03T18:00:00-06:00.");
        RuleFor(r => r.ShipperDropoffDate).NotNull().When(r => r.ExpectedDeliveryDate is not null)
            .WithMessage("shipperDropoffDate is required with expectedDeliveryDate (the days between them are checked).");
    }
}

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
