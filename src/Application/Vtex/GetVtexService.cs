using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;
using Cargamos.Modular.Application.Vtex.ReadModels;
using FluentValidation;
using Mediator;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// A carrier reads one of its services (the VTEX <c>ServiceResponseDto</c>). <c>serviceId</c> is our trackingId, the
/// shipmentId, or the view's own serviceId <c>{carrierId}&amp;{trackingId}</c>.
/// </summary>
internal sealed record GetVtexService(string CarrierId, string ServiceId) : IQuery<VtexServiceView>;

internal sealed class GetVtexServiceValidator : AbstractValidator<GetVtexService>
{
    public GetVtexServiceValidator()
    {
        RuleFor(q => q.CarrierId).NotEmpty().MaximumLength(100).OverridePropertyName("carrierId");
        RuleFor(q => q.ServiceId).NotEmpty().MaximumLength(250).OverridePropertyName("serviceId");
    }
}

internal sealed class GetVtexServiceHandler(CarrierShipments shipments, IVtexServiceViews views, ICarrierDirectory carriers, ITrackingPages trackingPages)
    : IQueryHandler<GetVtexService, VtexServiceView>
{
    public async ValueTask<VtexServiceView> Handle(GetVtexService query, CancellationToken cancellationToken)
    {
        var shipment = await shipments.Resolve(query.CarrierId, query.ServiceId, cancellationToken);
        var view = await views.Get(shipment.Id, cancellationToken)
                   ?? throw AppError.NotFound($"service for carrier '{query.CarrierId}'", query.ServiceId, "serviceId");

        // Name and logo are the carrier's current ones, not the ones it had when the service was created. The tracking
        // URL is the one the carrier last reported, else our public tracking page (filled here, not stored: the view
        // stays a pure function of the events, and a new public address shows on every service).
        var carrier = await carriers.Get(view.CarrierId, cancellationToken);
        return view with
        {
            CarrierName = carrier?.Name ?? view.CarrierId,
            CarrierLogo = carrier?.Logo,
            TrackingUrl = view.TrackingUrl ?? trackingPages.Of(shipment.TrackingId),
        };
    }
}
