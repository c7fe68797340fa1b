using Cargamos.Modular.Domain.Shipments;
using FluentValidation;
using Mediator;
using Cargamos.Modular.Application.Shipments.Contracts;

namespace Cargamos.Modular.Application.Vtex;

internal sealed record NoteRequest(NoteType? Type, string? Note, string? Author);

/// <summary>A carrier adds notes to a service (one timeline entry per request).</summary>
internal sealed record AddServiceNotes(string CarrierId, string ServiceId, IReadOnlyList<NoteRequest> Notes) : ICommand<ShipmentVersion>;

internal sealed class AddServiceNotesValidator : AbstractValidator<AddServiceNotes>
{
    public AddServiceNotesValidator()
    {
        RuleFor(c => c.Notes).NotEmpty().WithMessage("Send an array with at least one note.").OverridePropertyName("body");
        RuleFor(c => c.Notes.Count).LessThanOrEqualTo(100).OverridePropertyName("body");
        RuleForEach(c => c.Notes).NotNull().WithMessage("Each note must be an object like {\"type\":\"COMMENT\",\"note\":\"...\"}.").OverridePropertyName("body");
        RuleForEach(c => c.Notes).ChildRules(note =>
        {
            note.RuleFor(n => n.Type).NotNull().WithMessage("type (ERROR or COMMENT) is required.");
            note.RuleFor(n => n.Note).NotEmpty().WithMessage("note is required.").MaximumLength(2000);
            note.RuleFor(n => n.Author).MaximumLength(200);
        });
    }
}

internal sealed class AddServiceNotesHandler(CarrierShipments shipments) : ICommandHandler<AddServiceNotes, ShipmentVersion>
{
    public async ValueTask<ShipmentVersion> Handle(AddServiceNotes command, CancellationToken cancellationToken)
    {
        var notes = command.Notes.Select(n => new ShipmentNote(n.Type!.Value, n.Note!, n.Author)).ToList();
        return await shipments.Decide(command.CarrierId, command.ServiceId, (_, by, now) => ShipmentDecisions.AddNotes(notes, by, now), cancellationToken);
    }
}
