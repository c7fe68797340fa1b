using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Domain.Shipments;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Tests.Shipments;

public sealed class ShipmentAccessTests
{
    private static ShipmentTracking Tracking(string shipper, string trackingId) => new(
        Guid.CreateVersion7(), trackingId, shipper, "carrier", trackingId, ShipmentStatus.Created, null,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1);

    private readonly ShipmentTracking mine = Tracking("acme", "SAME-1");
    private readonly ShipmentTracking theirs = Tracking("other", "SAME-1");

    [Fact]
    public async Task GivenAShipperAndATrackingIdUsedByTwoShippers_WhenResolve_ThenOnlyItsOwn()
    {
        var access = new ShipmentAccess(new FakeFinder(mine, theirs), new FakeCaller("acme", Roles.Shipper));

        Assert.Equal(mine.Id, (await access.Resolve("SAME-1", default)).Id);
    }

    [Fact]
    public async Task GivenAShipper_WhenResolveAnotherShippersId_ThenNotFound()
    {
        var access = new ShipmentAccess(new FakeFinder(mine, theirs), new FakeCaller("acme", Roles.Shipper));

        var error = await Assert.ThrowsAsync<AppError>(() => access.Resolve(theirs.Id.ToString(), default));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task GivenAnAuditor_WhenATrackingIdIsAmbiguous_ThenConflictAskingForTheShipmentId()
    {
        var access = new ShipmentAccess(new FakeFinder(mine, theirs), new FakeCaller(null, Roles.Auditor));

        var error = await Assert.ThrowsAsync<AppError>(() => access.Resolve("SAME-1", default));
        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("AMBIGUOUS_ID", error.Code);
        Assert.Equal(theirs.Id, (await access.Resolve(theirs.Id.ToString(), default)).Id);
    }
}
