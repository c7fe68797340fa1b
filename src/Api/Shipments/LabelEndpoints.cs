using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Shipments;
using Cargamos.Modular.Application.Shipments.Contracts;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Cargamos.Modular.Application.Common;

namespace Cargamos.Modular.Api.Shipments;

/// <summary>Shipping labels: one shipment's, a batch's in one file, and the anonymous signed links given to VTEX.</summary>
internal static class LabelEndpoints
{
    /// <summary>The shipments of a pick-up batch, by shipmentId or trackingId, and the format of the one file.</summary>
    [RequiredFields("shipmentIds")]
    public sealed record LabelsRequest(IReadOnlyList<string>? ShipmentIds, string? Format);

    private const string FormatDescription =
        "`format`: `pdf` (default; `application/pdf`, 4x6 in pages) or `zpl` (`text/plain; charset=utf-8`, ZPL II for 203 dpi printers).";

    public static IEndpointRouteBuilder MapLabels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/shipments/{id}/label", Get)
            .WithName("GetShipmentLabel")
            .WithTags("Labels")
            .RequireAuthorization()
            .WithSummary("A shipment's 4x6 in shipping label, as PDF or ZPL")
            .WithDescription("`{id}` is a shipmentId or a trackingId, visible to the caller as in GET /v1/shipments/{id}. " + FormatDescription +
                             " The label shows the recipient and address, the trackingId as Code 128 and text, and a QR code of the tracking page /t/{trackingId}. " +
                             "A canceled shipment's label is still served, crossed by a CANCELED - DO NOT SHIP band.\n\n" +
                             "```\ncurl -s -H \"Authorization: Bearer $TOKEN\" -o label.pdf 'http://127.0.0.1:5080/v1/shipments/CGM0123456789/label?format=pdf'\n```")
            .ProducesLabels(400, 404, 409);

        app.MapPost("/v1/labels", Batch)
            .WithName("GetShipmentLabels")
            .WithTags("Labels")
            .RequireAuthorization()
            .WithSummary("The labels of many shipments in one file: one PDF page (or ZPL label) per shipment, in the order given")
            .WithDescription("`shipmentIds`: 1 to 100 distinct shipmentIds or trackingIds. " + FormatDescription +
                             " If any id names no shipment visible to the caller, nothing is rendered: 404 names each such id (`shipmentIds[i]`).\n\n" +
                             "```\ncurl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -o labels.pdf \\\n" +
                             "  -d '{\"shipmentIds\": [\"CGM0123456789\", \"CGM9876543210\"], \"format\": \"pdf\"}' http://127.0.0.1:5080/v1/labels\n```")
            .Accepts<LabelsRequest>("application/json")
            .ProducesLabels(400, 404, 409);

        app.MapGet("/v1/labels/{token}.{format}", Linked)
            .WithName("GetLinkedLabel")
            .WithTags("Labels")
            .AllowAnonymous()
            .WithSummary("A label through a signed link (the links of the VTEX service creation answer): no credentials")
            .WithDescription("`{format}` is `pdf` or `zpl`. The token names one shipment and expires (Labels:LinkLifetime, 30 days by default); " +
                             "an altered, expired or unknown token is 404.\n\n" +
                             "```\ncurl -s -o label.pdf \"$LABEL_URL\"   # a url from the labels of POST /vtex/services\n```")
            .ProducesLabels(400, 404);
        return app;
    }

    /// <summary>200 with a PDF or ZPL file, and the envelope for each error status.</summary>
    private static RouteHandlerBuilder ProducesLabels(this RouteHandlerBuilder endpoint, params int[] errors)
    {
        endpoint.Produces(200, contentType: LabelMedia.Pdf, additionalContentTypes: [LabelMedia.Zpl])
            .WithResponseHeader(OpenApiConventions.ContentDisposition);
        foreach (var status in errors)
        {
            endpoint.Produces<ErrorEnvelope>(status);
        }

        return endpoint;
    }

    private static async Task<IResult> Get(string id, string? format, ISender mediator, HttpContext http, CancellationToken ct) =>
        File(http, await mediator.Send(new GetShipmentLabel(id, LabelMedia.Parse(format, "format", "request.query")), ct));

    private static async Task<IResult> Batch([FromBody] LabelsRequest? body, ISender mediator, HttpContext http, CancellationToken ct) =>
        File(http, await mediator.Send(new GetShipmentLabels(body?.ShipmentIds, LabelMedia.Parse(body?.Format, "format", "request.body")), ct));

    private static async Task<IResult> Linked(string token, string format, ISender mediator, HttpContext http, CancellationToken ct) =>
        File(http, await mediator.Send(new GetLinkedLabel(token, LabelMedia.Parse(format, "format", "request.path")), ct));

    private static IResult File(HttpContext http, RenderedLabels labels)
    {
        // Inline: a browser shows the PDF and a print dialog is one click away; the name is what "save" proposes.
        var name = string.Concat(labels.FileName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        http.Response.Headers.ContentDisposition = $"inline; filename=\"{name}\"";
        // Names and addresses: no shared cache keeps them.
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(labels.Content, LabelMedia.ContentType(labels.Format));
    }
}
