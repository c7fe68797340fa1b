using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Api.Access;

namespace Cargamos.Modular.Api.Common;

/// <summary>The authenticated user of the current HTTP request.</summary>
public sealed class HttpCaller(IHttpContextAccessor accessor) : ICaller
{
    private HttpContext Context => accessor.HttpContext ?? throw new InvalidOperationException("No HTTP request in progress.");

    public string ProcessId => Errors.ProcessId.Of(Context);

    public Actor Actor
    {
        get
        {
            var user = Context.User;
            var id = user.FindFirst("sub")?.Value ?? "anonymous";
            var kind = user.IsInRole(Roles.Shipper) ? ActorKind.Shipper
                : user.IsInRole(Roles.Operator) ? ActorKind.Operator
                : user.IsInRole(Roles.Auditor) ? ActorKind.Auditor
                : user.IsInRole(Roles.Carrier) ? ActorKind.Carrier
                : user.IsInRole(Roles.Vtex) ? ActorKind.Vtex
                : ActorKind.System;
            return new Actor(kind, id, user.FindFirst("email")?.Value ?? user.FindFirst("name")?.Value);
        }
    }

    public string? ShipperId => Context.User.FindFirst(JwtTokenIssuer.ShipperClaim)?.Value;

    public bool IsInRole(string role) => Context.User.IsInRole(role);
}
