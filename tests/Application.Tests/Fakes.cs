using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Tests;

internal sealed class FakeAccounts : IAccountDirectory
{
    public List<Organization> Organizations { get; } = [];
    public List<UserAccount> Users { get; } = [];

    public Task<Organization?> FindOrganization(string organizationKey, CancellationToken ct) =>
        Task.FromResult(Organizations.FirstOrDefault(o => o.Id == organizationKey));

    public Task<UserAccount?> FindUser(string organizationKey, string email, CancellationToken ct) =>
        Task.FromResult(Users.FirstOrDefault(u => u.Id == UserAccount.IdFor(organizationKey, email)));
}

/// <summary>"hash" = "h:" + password; counts verifications to prove unknown users are verified too.</summary>
internal sealed class FakeHashing : IPasswordHashing
{
    public int Verifications { get; private set; }

    public string Hash(string password) => "h:" + password;

    public bool Verify(string? hash, string password)
    {
        Verifications++;
        return hash is not null && hash == Hash(password);
    }

    public Task<bool> VerifyAsync(string? hash, string password, CancellationToken ct) => Task.FromResult(Verify(hash, password));
}

internal sealed class FakeTokens : ITokenIssuer
{
    public IssuedToken Issue(UserAccount user, Organization organization) => new($"token-for-{user.Id}", 3600);
}

internal sealed class FakeCaller(string? shipperId, params string[] roles) : ICaller
{
    public string ProcessId => "process-1";

    public Actor Actor => new(shipperId is null ? ActorKind.Auditor : ActorKind.Shipper, "user-1");

    public string? ShipperId => shipperId;

    public bool IsInRole(string role) => roles.Contains(role);
}

internal sealed class FakeFinder(params ShipmentTracking[] shipments) : IShipmentFinder
{
    public Task<IReadOnlyList<ShipmentTracking>> FindByAnyId(string id, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ShipmentTracking>>(shipments.Where(s => s.Id.ToString() == id || s.TrackingId == id).ToList());

    public Task<ShipmentTracking?> FindByTrackingId(string shipperId, string trackingId, CancellationToken ct) =>
        Task.FromResult(shipments.FirstOrDefault(s => s.ShipperId == shipperId && s.TrackingId == trackingId));

    public Task<IReadOnlyList<ShipmentTracking>> FindTrackingByTrackingId(string trackingId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ShipmentTracking>>(shipments.Where(s => s.TrackingId == trackingId).Select(s => s with { Order = null, Price = null }).ToList());

    public Task<IReadOnlyList<ShipmentTracking>> List(ShipmentFilter filter, CancellationToken ct) =>
        throw new NotSupportedException();
}
