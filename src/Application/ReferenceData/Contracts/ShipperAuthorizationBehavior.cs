using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Mediator;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.ReferenceData;

namespace Cargamos.Modular.Application.ReferenceData.Contracts;

/// <summary>A message only an authorized shipper may send (layer 1 of integration).</summary>
public interface IShipperRequest;

/// <summary>The shipper behind the current request, as checked by <see cref="ShipperAuthorizationBehavior{TMessage,TResponse}"/>.</summary>
public sealed class AuthorizedShipper
{
    private (Organization Organization, ShipperContract Contract)? value;

    public Organization Organization => (value ?? throw new InvalidOperationException("The shipper was not authorized.")).Organization;

    public ShipperContract Contract => (value ?? throw new InvalidOperationException("The shipper was not authorized.")).Contract;

    internal void Set(Organization organization, ShipperContract contract) => value = (organization, contract);
}

/// <summary>
/// Layer 1: the caller is a shipper user, its organization is active and its contract is valid now. Runs before
/// validation, so a suspended shipper learns that first. Checked on every request, not only at login.
/// </summary>
public sealed class ShipperAuthorizationBehavior<TMessage, TResponse>(
    ICaller caller, ShipperStanding standing, AuthorizedShipper shipper)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IShipperRequest)
        {
            if (!caller.IsInRole(Roles.Shipper) || caller.ShipperId is null)
            {
                throw AppError.Forbidden("FORBIDDEN", "Only shipper users can integrate delivery orders.");
            }

            var (organization, contract) = await standing.Check(caller.ShipperId, cancellationToken);
            shipper.Set(organization, contract);
        }

        return await next(message, cancellationToken);
    }
}
