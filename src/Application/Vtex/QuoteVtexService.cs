using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Integration;
using Cargamos.Modular.Application.Integration.Contracts;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Application.Vtex.ReadModels;
using FluentValidation;
using Mediator;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// VTEX asks what a service would cost (<c>POST /vtex/rates</c>, the protocol's "Calculate rates"): the same body as a
/// service creation, checked and mapped the same way and put through the same layers as an order, nothing created.
/// </summary>
internal sealed record QuoteVtexService(string VtexAccountId, VtexServiceRequest Service) : IQuery<VtexRateAnswer>;

/// <summary>
/// The answer: the carrier, the current protocol's <c>rate</c> (shipping and insurance in cents; null when the shipper has
/// no rate card), the estimated delivery date (the order's <c>receiver.deliveryDate</c>) and <c>transitTime</c> in days
/// (the contract's longest lead time in the zone).
/// </summary>
internal sealed record VtexRateAnswer(string CarrierId, VtexRate? Rate, DateTimeOffset ShippingEstimatedDate, int TransitTime);

internal sealed class QuoteVtexServiceHandler(
    VtexServiceAccess access,
    ShipperStanding standing,
    DeliveryOrderIntake intake) : IQueryHandler<QuoteVtexService, VtexRateAnswer>
{
    private static readonly RateRequestValidator Destination = new();

    public async ValueTask<VtexRateAnswer> Handle(QuoteVtexService query, CancellationToken cancellationToken)
    {
        var request = query.Service;
        var (_, shipperId, carrierId) = await access.Admit(query.VtexAccountId, request, cancellationToken);
        var (_, contract) = await standing.Check(shipperId, cancellationToken);

        var mapped = VtexDeliveryOrders.ToDeliveryOrder(request);
        var o = mapped.Order;
        var rateRequest = new RateRequest(o.RecipientLocation, o.PackageInformation, o.ShipperDropoffDate, o.ExpectedDeliveryDate);
        var shape = Destination.Validate(DestinationValidator.WithoutPostalCode(rateRequest));
        if (!shape.IsValid)
        {
            throw new AppError(ErrorKind.BadRequest, VtexDeliveryOrders.InVtexTerms(ValidationErrors.ToDetails(shape.Errors, "request.body"), mapped.Parameters));
        }

        var dropoff = DeliveryOrderRequestValidator.ParseDate(o.ShipperDropoffDate);
        var expected = DeliveryOrderRequestValidator.ParseDate(o.ExpectedDeliveryDate);
        var (quote, kind, errors) = await intake.Quote(contract, o.RecipientLocation!, o.PackageInformation!, dropoff, expected, cancellationToken);
        if (quote is null)
        {
            throw new AppError(kind, VtexDeliveryOrders.InVtexTerms(errors, mapped.Parameters));
        }

        var transit = quote.LatestDelivery.DayNumber - DateOnly.FromDateTime(quote.DropoffBy.DateTime).DayNumber;
        return new VtexRateAnswer(carrierId, VtexRate.Of(quote.Price), expected!.Value, transit);
    }
}
