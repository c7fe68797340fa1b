using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// What a VTEX account may reach: its own account, and the services it created, by carrier. A serviceId is our
/// trackingId (or the shipmentId); it must be a VTEX service of that carrier for one of the account's sellers, or it
/// is answered as not found (a VTEX account cannot learn about shipments that are not its own).
/// </summary>
internal sealed class VtexServiceAccess(IVtexAccounts accounts, IShipmentFinder finder, IVtexOrders orders, ICarrierDirectory carriers)
{
    /// <summary>The shipper a seller of the account ships for (sellers are linked by Cargamos), else 403.</summary>
    public static string ShipperOf(VtexAccount account, string seller) =>
        account.Sellers.TryGetValue(seller, out var shipperId)
            ? shipperId
            : throw new AppError(ErrorKind.Forbidden, "FORBIDDEN", "You are not allowed to perform this operation.",
                $"The seller '{seller}' is not linked to this VTEX account; ask Cargamos to link it to the shipper it ships for.", "seller");

    /// <summary>A Cargamos carrier VTEX may send services to, else 404.</summary>
    public async Task ActiveCarrier(string carrierId, CancellationToken ct)
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
