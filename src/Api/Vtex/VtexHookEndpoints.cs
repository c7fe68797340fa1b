using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Vtex;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Api.Vtex;

/// <summary>
/// The carrier-facing API of the VTEX Pick and Pack document: <c>POST /token</c> and the tracking hooks. Each hook is a
/// mediator command that appends to the shipment's stream through the transition table and answers the document's
/// message with the request echoed as <c>data</c>.
/// </summary>
internal static class VtexHookEndpoints
{
    [RequiredFields("apiKey")]
    public sealed record TokenRequest(string? ApiKey);

    public static IEndpointRouteBuilder MapVtexHooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/token", Token)
            .WithName("IssueCarrierToken")
            .WithVtexErrors()
            .WithTags("VTEX carriers")
            .AllowAnonymous()
            .WithSummary("Exchange a carrier API key for a JWT")
            .WithDescription("Send `{\"apiKey\": \"...\"}`. Use the token as `Authorization: <JWT>` (or `Bearer <JWT>`) on the tracking hook endpoints; it names the carrier and expires.")
            .Produces<VtexJson.Answer<string>>()
            .Produces<ProtocolErrorEnvelope>(400)
            .Produces<ProtocolErrorEnvelope>(401)
            .Produces<ProtocolErrorEnvelope>(429)
            .RequireRateLimiting(Throttling.TokenPolicy);

        var hooks = app.MapGroup("/tracking/hook")
            .WithVtexErrors()
            .WithTags("VTEX carriers")
            .RequireAuthorization(CarrierAuthentication.Policy);

        hooks.MapPatch("/{carrierId}/{serviceId}", Update)
            .WithName("UpdateService")
            .WithSummary("Update a service: status, courier, tracking details")
            .WithDescription("status: PENDING | ASSIGNED | PICKED | ON_ROUTE | INCIDENT | RETURNED | DELIVERED, through the transition table (README). Repeating the current status with new details records the details.")
            .Produces<VtexJson.Answer<UpdateServiceRequest>>()
            .WithHookErrors();
        hooks.MapPost("/notes/{carrierId}/{serviceId}", Notes)
            .WithName("AddServiceNotes")
            .WithSummary("Add notes (an array of {type: ERROR|COMMENT, note, author})")
            .Produces<VtexJson.Answer<IReadOnlyList<NoteRequest>>>()
            .WithHookErrors();
        hooks.MapPost("/evidences/{carrierId}/{serviceId}", Evidences)
            .WithName("AddServiceEvidences")
            .WithSummary("Add evidences (an array of {type: IMAGE|TEXT, content, author})")
            .Produces<VtexJson.Answer<IReadOnlyList<EvidenceRequest>>>()
            .WithHookErrors();
        hooks.MapPost("/labels/{carrierId}/{serviceId}", Label)
            .WithName("AddServiceLabel")
            .WithSummary("Add a label {id, url, name, type: PDF|BASE64|TEXT|ZPL}; BASE64 and TEXT at most 180 KB (413 beyond)")
            .Produces<VtexJson.Answer<LabelRequest>>()
            .Produces<ProtocolErrorEnvelope>(413)
            .WithHookErrors();
        hooks.MapPost("/cancel/{carrierId}/{serviceId}", Cancel)
            .WithName("CancelServiceByCarrier")
            .WithSummary("Cancel a service {comment, type: ERROR_CREATE_SERVICE|END_CLIENT_CANCELED|NO_THERE_DELIVERY_MAN_ASSIGN|OTHER}")
            .Produces<VtexJson.Answer<CarrierCancelRequest>>()
            .WithHookErrors();
        hooks.MapPost("/on-hold/{carrierId}/{serviceId}", OnHold)
            .WithName("PutServiceOnHold")
            .WithSummary("Put a service on hold {comment, type: ERROR_CREATE_SERVICE|END_CLIENT_PAUSE|NO_THERE_DELIVERY_MAN_ASSIGN|OTHER}")
            .Produces<VtexJson.Answer<CarrierHoldRequest>>()
            .WithHookErrors();
        return app;
    }

    private static RouteHandlerBuilder WithHookErrors(this RouteHandlerBuilder builder) => builder
        .Produces<ProtocolErrorEnvelope>(400)
        .Produces<ProtocolErrorEnvelope>(401)
        .Produces<ProtocolErrorEnvelope>(403)
        .Produces<ProtocolErrorEnvelope>(404)
        .Produces<ProtocolErrorEnvelope>(409);

    private static async Task<IResult> Token([FromBody] TokenRequest? body, ISender mediator, CarrierTokenIssuer tokens, CancellationToken ct)
    {
        var carrier = await mediator.Send(new AuthenticateCarrier(body?.ApiKey), ct);
        return VtexJson.Ok("success", tokens.Issue(carrier).Token);
    }

    private static async Task<IResult> Update(string carrierId, string serviceId, [FromBody] UpdateServiceRequest body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new UpdateService(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Service updated successfully", body);
    }

    private static async Task<IResult> Notes(string carrierId, string serviceId, [FromBody] List<NoteRequest> body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new AddServiceNotes(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Notes saved successfully", body);
    }

    private static async Task<IResult> Evidences(string carrierId, string serviceId, [FromBody] List<EvidenceRequest> body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new AddServiceEvidences(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Evidences saved successfully", body);
    }

    private static async Task<IResult> Label(string carrierId, string serviceId, [FromBody] LabelRequest body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new AddServiceLabel(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Label saved successfully", body);
    }

    private static async Task<IResult> Cancel(string carrierId, string serviceId, [FromBody] CarrierCancelRequest body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new CancelServiceByCarrier(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Service canceled successfully", body);
    }

    private static async Task<IResult> OnHold(string carrierId, string serviceId, [FromBody] CarrierHoldRequest body, HttpContext http, ISender mediator, CancellationToken ct)
    {
        CarrierAuthentication.EnsureSameCarrier(http, carrierId);
        await mediator.Send(new PutServiceOnHold(carrierId, serviceId, body), ct);
        return VtexJson.Ok("Service on hold successfully", body);
    }
}
