using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Domain.Common;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// Who calls the use cases when the API runs an operations command (<c>replay</c>, docs/operations.md) instead of serving
/// HTTP: the auditor <c>cli</c>, which may read every shipment and change none. Whoever can run the API with its
/// connection string can read the database anyway; the role keeps the command to what an auditor could ask for.
/// One processId per command, on whatever it prints.
/// </summary>
public sealed class CommandLineCaller : ICaller
{
    public const string ActorId = "cli";

    public string ProcessId { get; } = Guid.CreateVersion7().ToString();

    public Actor Actor { get; } = new(ActorKind.Auditor, ActorId, "operations command line");

    public string? ShipperId => null;

    public bool IsInRole(string role) => role == Roles.Auditor;
}
