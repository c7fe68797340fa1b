using FluentValidation;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// What a VTEX account may reach: its own account, and the services it created, by carrier. A serviceId is our
/// trackingId (or the shipmentId); it must be a VTEX service of that carrier for one of the account's sellers, or it
/// is answered as not found (a VTEX account cannot learn about shipments that are not its own).
/// </summary>
internal sealed class VtexServiceAccess(
    IVtexAccounts accounts, IShipmentFinder finder, IVtexOrders orders, ICarrierDirectory carriers, IValidator<VtexServiceRequest> validator)
{
    /// <summary>
    /// What a service creation and a rate request check first, in this order: the request's schema (400), the calling
    /// account (401), the seller's shipper (403), the carrier (404). Answers the account, the shipper and the carrier id.
    /// </summary>
    public async Task<(VtexAccount Account, string ShipperId, string CarrierId)> Admit(string vtexAccountId, VtexServiceRequest request, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(request, ct);
        if (!validation.IsValid)
        {
            throw new ValidationException(validation.Errors);
        }

        var account = await Account(vtexAccountId, ct);
        var shipperId = ShipperOf(account, request.Seller!.Trim());
        var carrierId = request.CarrierId!.Trim();
        await ActiveCarrier(carrierId, ct);
        return (account, shipperId, carrierId);
    }

    /// <summary>The shipper a seller of the account ships for (sellers are linked by Cargamos), else 403.</summary>
    private static string ShipperOf(VtexAccount account, string seller) =>
        account.Sellers.TryGetValue(seller, out var shipperId)
            ? shipperId
            : throw new AppError(ErrorKind.Forbidden, "FORBIDDEN", "You are not allowed to perform this operation.",
                $"The seller '{seller}' is not linked to this VTEX account; ask Cargamos to link it to the shipper it ships for.", "seller");

    /// <summary>A Cargamos carrier VTEX may send services to, else 404.</summary>
    private async Task ActiveCarrier(string carrierId, CancellationToken ct)
    {
        if (await carriers.Get(carrierId, ct) is not { Active: true })
        {
            throw new AppError(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
                $"There is no active carrier with id '{carrierId}' at Cargamos.", "carrierId");
        }
    }

    public async Task<VtexAccount> Account(string vtexAccountId, CancellationToken ct) =>
        await accounts.Find(vtexAccountId, ct) is { Active: true } account
            ? account
            : throw AppError.Unauthorized("The VTEX account of the X-VTEX-API-AppKey header is not active at Cargamos.");

    public async Task<ShipmentTracking> Resolve(string vtexAccountId, string carrierId, string serviceId, CancellationToken ct)
    {
        var account = await Account(vtexAccountId, ct);
        foreach (var shipment in (await finder.FindByAnyId(CarrierShipments.WithoutCarrier(carrierId, serviceId), ct)).Where(s => s.CarrierId == carrierId))
        {
            if (await orders.FindByShipment(shipment.Id, ct) is { } key && key.CarrierId == carrierId && account.Sellers.ContainsKey(key.Seller))
            {
                return shipment;
            }
        }

        throw new AppError(ErrorKind.NotFound, "NOT_FOUND", "The requested resource was not found.",
            $"There is no service '{serviceId}' of carrier '{carrierId}' for the sellers of this VTEX account.", "serviceId");
    }
}
