using Cargamos.Modular.Domain.Shipments;

namespace Cargamos.Modular.Domain.Tests.Shipments;

public sealed class AddNotesTests
{
    private static readonly ShipmentNote First = new(NoteType.Comment, "gate code 1234", "Ana");
    private static readonly ShipmentNote Second = new(NoteType.Error, "wrong postal code", null);

    [Fact]
    public void GivenDeliveredShipment_WhenAddNotes_ThenOneNoteAddedWithAllTheNotes()
    {
        var state = Given.Delivered().State;

        var events = ShipmentDecisions.AddNotes(new[] { First, Second }, When.By, When.Now);

        // NoteAdded holds a list, which records compare by reference: compare the fields.
        var added = Assert.IsType<NoteAdded>(Assert.Single(events));
        Assert.Equal(new[] { First, Second }, added.Notes);
        Assert.Equal(When.By, added.By);
        Assert.Equal(When.Now, added.At);
        var after = Then.Evolved(state, events);
        Assert.Equal(ShipmentStatus.Delivered, after.Status);
        Assert.Equal(new[] { First, Second }, after.Notes);
    }

    [Fact]
    public void GivenShipmentWithNotes_WhenAddNotes_ThenNotesAccumulate()
    {
        var state = Given.Assigned().Note(First).State;

        var after = Then.Evolved(state, ShipmentDecisions.AddNotes(new[] { Second }, When.By, When.Now));

        Assert.Equal(new[] { First, Second }, after.Notes);
        Assert.Equal(ShipmentStatus.Assigned, after.Status);
    }

    [Fact]
    public void GivenAnyShipment_WhenAddNoNotes_ThenNothingRecorded()
    {
        Assert.Empty(ShipmentDecisions.AddNotes(Array.Empty<ShipmentNote>(), When.By, When.Now));
    }
}
