using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class AddLabelTests
{
    private static readonly ShipmentLabel Guide = new("label-1", "https://l/1.pdf", "guide", LabelType.Pdf);

    [Fact]
    public void GivenCreatedShipment_WhenAddLabel_ThenLabelAddedAndStatusUnchanged()
    {
        var state = Given.Created().State;

        var events = ShipmentDecisions.AddLabel(state, Guide, When.By, When.Now);

        Assert.Equal(new LabelAdded(Guide, When.By, When.Now), Assert.Single(events));
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Created, after.Status);
        Assert.Equal(new[] { Guide }, after.Labels);
    }

    [Fact]
    public void GivenShipmentWithTheSameLabel_WhenAddLabel_ThenNothingRecorded()
    {
        var state = Given.Assigned().Label(Guide).State;

        Assert.Empty(ShipmentDecisions.AddLabel(state, Guide with { }, When.By, When.Now));
    }

    [Fact]
    public void GivenShipmentWithALabel_WhenAddLabelWithTheSameIdAndNewContent_ThenRefusedAndNothingRecorded()
    {
        var state = Given.Assigned().Label(Guide).State;
        var reprinted = Guide with { Url = "https://l/1-v2.zpl", Type = LabelType.Zpl };

        var refused = Assert.Throws<Cargamos.Modular.Domain.Common.DomainRuleViolation>(() => ShipmentDecisions.AddLabel(state, reprinted, When.By, When.Now));

        Assert.Equal("DUPLICATE_LABEL", refused.Code);
        Assert.Contains("'label-1'", refused.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenShipmentWithALabel_WhenAddLabelWithANewId_ThenBothAreKept()
    {
        var state = Given.Assigned().Label(Guide).State;
        var reprinted = Guide with { Id = "label-2", Url = "https://l/1-v2.zpl", Type = LabelType.Zpl };

        var events = ShipmentDecisions.AddLabel(state, reprinted, When.By, When.Now);

        Assert.Equal(new[] { Guide, reprinted }, Then.Evolved(state, events).Labels);
    }
}
