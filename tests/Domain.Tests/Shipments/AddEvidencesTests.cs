using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class AddEvidencesTests
{
    private static readonly ShipmentEvidence Photo = new(EvidenceType.Image, "https://e/door.jpg", "Ana");
    private static readonly ShipmentEvidence Signature = new(EvidenceType.Text, "signed by L. Pérez", "Ana");

    [Fact]
    public void GivenOnRouteShipment_WhenAddEvidences_ThenOneEvidenceAddedAndStatusUnchanged()
    {
        var state = Given.OnRoute().State;

        var events = ShipmentDecisions.AddEvidences(new[] { Photo, Signature }, When.By, When.Now);

        var added = Assert.IsType<EvidenceAdded>(Assert.Single(events));
        Assert.Equal(new[] { Photo, Signature }, added.Evidences);
        Assert.Equal(When.By, added.By);
        Assert.Equal(When.Now, added.At);
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.OnRoute, after.Status);
        Assert.Equal(new[] { Photo, Signature }, after.Evidences);
    }

    [Fact]
    public void GivenShipmentWithEvidence_WhenAddEvidences_ThenEvidencesAccumulate()
    {
        var state = Given.OnRoute().State;
        state = Then.Evolved(state, ShipmentDecisions.AddEvidences(new[] { Photo }, When.By, When.Now));

        var after = Then.Evolved(state, ShipmentDecisions.AddEvidences(new[] { Signature }, When.By, When.Now));

        Assert.Equal(new[] { Photo, Signature }, after.Evidences);
    }

    [Fact]
    public void GivenAnyShipment_WhenAddNoEvidences_ThenNothingRecorded()
    {
        Assert.Empty(ShipmentDecisions.AddEvidences(Array.Empty<ShipmentEvidence>(), When.By, When.Now));
    }
}
