using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class CreateTests
{
    [Fact]
    public void GivenNoShipment_WhenCreate_ThenShipmentCreatedWithTheOrderActorAndTime()
    {
        var id = Guid.CreateVersion7();

        var created = ShipmentDecisions.Create(id, "CGM-000042", "shipper-9", "carrier-3", Given.Order, When.By, When.Now);

        Assert.Equal(new ShipmentCreated(id, "CGM-000042", "shipper-9", "carrier-3", Given.Order, When.By, When.Now), created);
        var state = Shipment.Replay(new object[] { created });
        Assert.NotNull(state);
        Assert.Equal(id, state.Id);
        Assert.Equal("CGM-000042", state.TrackingId);
        Assert.Equal(ShipmentStatus.Created, state.Status);
        Assert.Equal(1, state.Version);
        Assert.Equal(When.Now, state.CreatedAt);
        Assert.Equal(When.Now, state.UpdatedAt);
        Assert.Null(state.FinishedAt);
        Assert.Null(state.Agent);
        Assert.Equal(TrackingDetails.None, state.Tracking);
        Assert.Empty(state.Notes);
    }
}
