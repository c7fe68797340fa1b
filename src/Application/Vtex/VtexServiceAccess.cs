using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

/// <summary>
/// What a VTEX account may reach: its own account, and the services it created, by carrier. A serviceId is our
/// trackingId (or the shipmentId); it must be a VTEX service of that carrier for one of the account's sellers, or it
/// is answered as not found (a VTEX account cannot learn about shipments that are not its own).
/// </summary>
internal sealed class VtexServiceAccess(IVtexAccounts accounts, IShipmentFinder finder, IVtexOrders orders)
{
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
