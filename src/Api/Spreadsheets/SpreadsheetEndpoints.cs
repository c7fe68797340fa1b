using System.Globalization;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Spreadsheets;
using CsvHelper;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Api.Spreadsheets;

/// <summary>Spreadsheet integration: templates, uploads (integration lots), their progress and per-row results.</summary>
internal static class SpreadsheetEndpoints
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>One error of a row: the envelope's error without location (the row and column say where).</summary>
    public sealed record RowErrorView(string Code, string Message, string Details, string? Parameter);

    public sealed record AcceptedLotView(long LotId, string Status, int TotalRows);

    public sealed record LotView(
        long LotId, string Status, string? FileName, SpreadsheetFormat? Format, int TotalRows, int ProcessedRows, int Created, int Rejected,
        DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<RowErrorView>? Errors);

    public sealed record LotPageView(IReadOnlyList<LotView> Items, string? NextCursor);

    public sealed record RowResultView(int Row, string Outcome, string? TrackingId, Guid? ShipmentId, IReadOnlyList<RowErrorView> Errors);

    public sealed record LotResultsView(long LotId, string Status, int TotalRows, int ProcessedRows, IReadOnlyList<RowResultView> Items, string? NextCursor);

    private const string UploadDescription = """
        One file per request, as multipart/form-data part `file`: a CSV in UTF-8 (with or without BOM, `,` or `;` separated) or an XLSX workbook
        (its first sheet), recognized by content, not by name. Row 1 is the header with the template's column names
        (GET /v1/delivery-orders/template.csv or .xlsx); each further row is one delivery order.
        Layer 1 (the shipper is authorized) is checked now; the file is stored, and 202 answers `{lotId, status, totalRows}` with a `Location`
        to follow. Every row then goes through layers 2-4 exactly as POST /v1/delivery-orders (same codes), asynchronously: valid rows become
        shipments, invalid ones get their errors (parameter = column name). Refused at once: a file that is not a CSV in UTF-8 or an XLSX (415),
        an empty file, no header, unknown, repeated or missing required columns, no rows (400), more than the configured bytes or rows (413).
        Re-uploading a file creates nothing twice: a repeated shipperTrackingId, or a row without one from the same file, is ALREADY_EXISTS.
        """;

    public static IEndpointRouteBuilder MapSpreadsheets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/delivery-orders/template.csv", (ISender mediator, CancellationToken ct) => Template(mediator, SpreadsheetFormat.Csv, ct))
            .WithName("GetCsvTemplate")
            .WithTags("Spreadsheets")
            .AllowAnonymous()
            .WithSummary("CSV template for spreadsheet integration: every column of a delivery order and one example row")
            .Produces(200, contentType: "text/csv")
            .WithResponseHeader(OpenApiConventions.ContentDisposition);
        app.MapGet("/v1/delivery-orders/template.xlsx", (ISender mediator, CancellationToken ct) => Template(mediator, SpreadsheetFormat.Xlsx, ct))
            .WithName("GetXlsxTemplate")
            .WithTags("Spreadsheets")
            .AllowAnonymous()
            .WithSummary("XLSX template: sheet 'orders' (header and example row) and sheet 'columns' (required, format, description, example of each column)")
            .Produces(200, contentType: XlsxContentType)
            .WithResponseHeader(OpenApiConventions.ContentDisposition);

        var lots = app.MapGroup("/v1/integration-lots").WithTags("Spreadsheets").RequireAuthorization();
        lots.MapPost("", Upload)
            .WithName("UploadIntegrationLot")
            .WithOwnBodyLimit() // Spreadsheets:MaxFileBytes, checked in MultipartFile.Read
            .WithSummary("Upload a spreadsheet of delivery orders (an integration lot)")
            .WithDescription(UploadDescription)
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<ApiEnvelope<AcceptedLotView>>(StatusCodes.Status202Accepted)
            .WithResponseHeader(OpenApiConventions.Location, "The lot to follow: /v1/integration-lots/{lotId}.", 202)
            .Produces<ErrorEnvelope>(400)
            .Produces<ErrorEnvelope>(403)
            .Produces<ErrorEnvelope>(413)
            .Produces<ErrorEnvelope>(415);
        lots.MapGet("", List)
            .WithName("ListIntegrationLots")
            .WithSummary("Your spreadsheet integration lots, newest first")
            .WithDescription("Keyset pagination: pass the page's nextCursor as cursor; limit 1..200 (default 50). Staff see every shipper's lots. " +
                             "An order integrated through POST /v1/delivery-orders or VTEX is a lot of one: not listed here, readable by its id.")
            .Produces<ApiEnvelope<LotPageView>>();
        lots.MapGet("/{lotId}", Get)
            .WithName("GetIntegrationLot")
            .WithSummary("A lot's progress: status (RECEIVED, PROCESSING, COMPLETED, FAILED), processed/total rows, created and rejected counts, times")
            .WithDescription("Any integration lot, e.g. the one an ALREADY_EXISTS names. A lot of one (an API or VTEX order) is COMPLETED with its row 1, " +
                             "and has no fileName nor format.")
            .Produces<ApiEnvelope<LotView>>()
            .Produces<ErrorEnvelope>(404);
        lots.MapGet("/{lotId}/results", Results)
            .WithName("GetIntegrationLotResults")
            .WithSummary("Each processed row's outcome: CREATED with trackingId and shipmentId, or REJECTED with its errors")
            .WithDescription("JSON pages by row number (cursor = nextCursor, limit 1..1000, default 100). With `Accept: text/csv`, or at /results.csv, " +
                             "the whole result as CSV: one line per created row and per error of a rejected row.")
            .Produces<ApiEnvelope<LotResultsView>>()
            .Produces(200, contentType: "text/csv")
            .Produces<ErrorEnvelope>(404)
            .WithResponseHeader(OpenApiConventions.ContentDisposition, "`attachment` with the CSV's file name, when the answer is CSV.", 200);
        lots.MapGet("/{lotId}/results.csv", (string lotId, HttpContext http, ISender mediator, CancellationToken ct) => ResultsCsv(LotId(lotId), http, mediator, ct))
            .WithName("GetIntegrationLotResultsCsv")
            .WithSummary("A lot's results as CSV")
            .Produces(200, contentType: "text/csv")
            .Produces<ErrorEnvelope>(404)
            .WithResponseHeader(OpenApiConventions.ContentDisposition, "`attachment` with the CSV's file name, when the answer is CSV.", 200);
        return app;
    }

    private static async Task<IResult> Template(ISender mediator, SpreadsheetFormat format, CancellationToken ct)
    {
        var content = await mediator.Send(new GetDeliveryOrderTemplate(format), ct);
        return format == SpreadsheetFormat.Xlsx
            ? TypedResults.File(content, XlsxContentType, "delivery-orders-template.xlsx")
            : TypedResults.File(content, CsvContentType, "delivery-orders-template.csv");
    }

    private static async Task<IResult> Upload(HttpContext http, ISender mediator, SpreadsheetOptions options, CancellationToken ct)
    {
        await mediator.Send(new MayUploadLot(), ct); // the caller's role and standing before a byte of the file is read
        var (fileName, content) = await MultipartFile.Read(http, options.MaxFileBytes, ct);
        var accepted = await mediator.Send(new UploadIntegrationLot(fileName, content), ct);
        var location = $"/v1/integration-lots/{accepted.LotId}";
        return TypedResults.Accepted(location, Envelopes.Wrap(http, 202, new AcceptedLotView(accepted.LotId, accepted.Status, accepted.TotalRows)));
    }

    private static async Task<IResult> List(string? cursor, string? limit, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var page = await mediator.Send(new ListIntegrationLots(cursor, QueryParameters.Limit(limit)), ct);
        return Envelopes.Ok(http, new LotPageView(page.Items.Select(View).ToList(), page.NextCursor));
    }

    private static async Task<IResult> Get(string lotId, ISender mediator, HttpContext http, CancellationToken ct) =>
        Envelopes.Ok(http, View(await mediator.Send(new GetIntegrationLot(LotId(lotId)), ct)));

    private static async Task<IResult> Results(string lotId, string? cursor, string? limit, ISender mediator, HttpContext http, CancellationToken ct)
    {
        var id = LotId(lotId);
        if (http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true))
        {
            return await ResultsCsv(id, http, mediator, ct);
        }

        var page = await mediator.Send(new GetIntegrationLotResults(id, cursor, QueryParameters.Limit(limit, 100, GetIntegrationLotResultsValidator.MaxLimit)), ct);
        return Envelopes.Ok(http, new LotResultsView(page.Lot.LotId, page.Lot.Status, page.Lot.TotalRows, page.Lot.ProcessedRows,
            page.Items.Select(r => new RowResultView(r.Row, r.Outcome, r.TrackingId, r.ShipmentId, Errors(r.Errors))).ToList(), page.NextCursor));
    }

    /// <summary>The whole result, streamed page by page: one line per created row and one per error of a rejected row.</summary>
    private static async Task<IResult> ResultsCsv(long lotId, HttpContext http, ISender mediator, CancellationToken ct)
    {
        // The first page is read before anything is written, so a lot the caller may not see is still a 404 envelope.
        var page = await mediator.Send(new GetIntegrationLotResults(lotId, null, GetIntegrationLotResultsValidator.MaxLimit), ct);
        http.Response.ContentType = CsvContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"integration-lot-{lotId}-results.csv\"";
        var options = CsvWriterOptions.Default with { WriteByteOrderMark = true, Injection = CsvInjection.Escape };
        await using (var csv = CsvWriter.Create(http.Response.Body, options, leaveOpen: true))
        {
            foreach (var header in new[] { "row", "outcome", "trackingId", "shipmentId", "errorCode", "errorParameter", "errorMessage", "errorDetails" })
            {
                csv.WriteField(header);
            }

            await csv.EndRecordAsync(ct);
            while (true)
            {
                foreach (var row in page.Items)
                {
                    foreach (var error in row.Errors.Count == 0 ? [null] : row.Errors.Cast<ErrorDetail?>())
                    {
                        csv.WriteField(row.Row.ToString(CultureInfo.InvariantCulture));
                        csv.WriteField(row.Outcome);
                        csv.WriteField(row.TrackingId);
                        csv.WriteField(row.ShipmentId?.ToString());
                        csv.WriteField(error?.Code);
                        csv.WriteField(error?.Parameter);
                        csv.WriteField(error?.Message);
                        csv.WriteField(error?.Details);
                        await csv.EndRecordAsync(ct);
                    }
                }

                if (page.NextCursor is null)
                {
                    break;
                }

                page = await mediator.Send(new GetIntegrationLotResults(lotId, page.NextCursor, GetIntegrationLotResultsValidator.MaxLimit), ct);
            }

            await csv.FlushAsync(ct);
        }

        return TypedResults.Empty;
    }

    private static LotView View(IntegrationLot l) => new(l.LotId, l.Status, l.FileName, l.Format, l.TotalRows, l.ProcessedRows, l.Created, l.Rejected,
        l.CreatedAt, l.StartedAt, l.FinishedAt, l.Errors is null ? null : Errors(l.Errors));

    private static List<RowErrorView> Errors(IReadOnlyList<ErrorDetail> errors) =>
        errors.Select(e => new RowErrorView(e.Code, e.Message, e.Details, e.Parameter)).ToList();

    private static long LotId(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw AppError.NotFound("integration lot", value, "lotId");
}

/// <summary>Reads the one file of a multipart/form-data upload, streaming, refusing it as soon as it passes the size limit.</summary>
internal static class MultipartFile
{
    private const int FormOverhead = 64 * 1024;

    public static async Task<(string FileName, ReadOnlyMemory<byte> Content)> Read(HttpContext http, long maxBytes, CancellationToken ct)
    {
        var request = http.Request;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new AppError(ErrorKind.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "The request body must be multipart/form-data.",
                "Send the spreadsheet as multipart/form-data with one file part named 'file' (curl -F 'file=@orders.csv').", "Content-Type", "request.header");
        }

        if (request.ContentLength > maxBytes + FormOverhead)
        {
            throw SpreadsheetErrors.FileTooLarge(maxBytes);
        }

        // Kestrel's own limit (30 MB by default) would cut a larger configured maximum short.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + FormOverhead;
        }

        var reader = new MultipartReader(boundary, request.Body);
        string? fileName = null;
        MemoryStream? content = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    await section.Body.CopyToAsync(Stream.Null, ct);
                    continue;
                }

                if (content is not null)
                {
                    throw SpreadsheetErrors.Invalid("Send one file per upload: this request has several file parts.");
                }

                fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                // Sized from Content-Length (the part is a little smaller), so a large file is one allocation instead of a
                // doubling buffer's chain of copies (the last one up to twice the file).
                content = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, maxBytes));
                var buffer = new byte[81920];
                int read;
                while ((read = await section.Body.ReadAsync(buffer, ct)) > 0)
                {
                    if (content.Length + read > maxBytes)
                    {
                        throw SpreadsheetErrors.FileTooLarge(maxBytes);
                    }

                    content.Write(buffer, 0, read);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException && e is not BadHttpRequestException)
        {
            throw SpreadsheetErrors.Invalid($"The multipart/form-data body cannot be read: {e.Message}");
        }

        return content is null
            ? throw SpreadsheetErrors.Missing("The request has no file: send it as multipart/form-data part 'file' (curl -F 'file=@orders.csv').")
            : (string.IsNullOrWhiteSpace(fileName) ? "upload" : Path.GetFileName(fileName), content.GetBuffer().AsMemory(0, (int)content.Length));
    }
}
