using System.Text.Json;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Ports;
using JasperFx.CommandLine;
using Mediator;

namespace Cargamos.Modular.Api.Shipments;

public sealed class ReplayInput
{
    [Description("The shipmentId or trackingId, as in GET /v1/shipments/{id}/events")]
    public string Id { get; set; } = "";

    [Description("Print the shipment as it was at this stream version (as GET /v1/shipments/{id}/state?version=N)")]
    public string? VersionFlag { get; set; }

    [Description("Print the shipment as it was at this ISO 8601 time (as GET /v1/shipments/{id}/state?at=...)")]
    public string? AtFlag { get; set; }
}

/// <summary>
/// <c>replay &lt;id&gt;</c>: prints a shipment's event stream exactly as the auditor endpoint answers it (the same use case,
/// view and envelope, on one line of standard output), or with <c>--version</c>/<c>--at</c> its state as the state
/// endpoint does. The caller is the command line's auditor (<see cref="CommandLineCaller"/>). An error prints the
/// endpoint's error envelope, a line on standard error, and exits 1. See docs/operations.md.
/// </summary>
[Description("Print a shipment's event stream (or its state at --version/--at) as GET /v1/shipments/{id}/events (/state) answers", Name = "replay")]
public sealed class ReplayCommand : JasperFxAsyncCommand<ReplayInput>
{
    [InjectService]
    public ISender Mediator { get; set; } = null!;

    [InjectService]
    public ICaller Caller { get; set; } = null!;

    [InjectService]
    public TimeProvider Clock { get; set; } = null!;

    public override async Task<bool> Execute(ReplayInput input)
    {
        try
        {
            if (input.VersionFlag is null && input.AtFlag is null)
            {
                Print(Envelopes.Wrap(Caller.ProcessId, Clock, 200, await ShipmentEndpoints.Events(Mediator, input.Id, CancellationToken.None)));
            }
            else
            {
                Print(Envelopes.Wrap(Caller.ProcessId, Clock, 200,
                    await ShipmentEndpoints.State(Mediator, input.Id, input.VersionFlag, input.AtFlag, CancellationToken.None)));
            }

            return true;
        }
        catch (Exception e) when (ExceptionMapper.Map(e, Caller.ProcessId, "request.query") is var (status, errors) && status != 500)
        {
            var envelope = new ErrorEnvelope(StatusNames.ApiVersion, StatusNames.For(status), Caller.ProcessId, Clock.GetUtcNow().ToUnixTimeMilliseconds(), errors);
            Print(envelope);
            Console.Error.WriteLine($"replay {input.Id}: {StatusNames.For(status)}: {string.Join("; ", errors.Select(x => x.Details))}");
            return false;
        }
    }

    // One line, in the API's JSON: what the endpoint's body would be.
    private static void Print<T>(T body) => Console.Out.WriteLine(JsonSerializer.Serialize(body, ApiJson.Options));
}
