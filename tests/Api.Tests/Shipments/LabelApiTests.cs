using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cargamos.Modular.Api.Shipments;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Cargamos.Modular.Application.Shipments.Contracts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZXing;

namespace Cargamos.Modular.Api.Tests.Shipments;

/// <summary>The label endpoints: one shipment's label, a batch's, and the signed links of the VTEX creation answer.</summary>
public sealed class LabelApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [SkippableFact]
    public async Task A_shipments_pdf_label_is_one_4x6_page_whose_barcodes_decode_to_its_trackingId_and_tracking_page()
    {
        Skip.IfNot(LabelPages.PopplerAvailable, LabelPages.Missing);
        var shipper = await api.LoginAs(DemoUser.Shipper);
        // A fixed trackingId: the codes differ with each one, and a test must not pass or fail by chance (see
        // LabelRenderingTests for the ids ZXing cannot read without zbar).
        var (id, trackingId) = await shipper.IntegrateOk(Orders.Valid("CGM7K2Q9XH4TD"));

        using var response = await shipper.GetAsync($"/v1/shipments/{id}/label");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"inline; filename=\"label-{trackingId}.pdf\"", response.Content.Headers.ContentDisposition?.ToString());
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new LabelPages.Info(1, 288, 432), await LabelPages.PdfInfo(pdf));
        Assert.Equal(trackingId, await LabelPages.Decode(pdf, BarcodeFormat.CODE_128));
        Assert.Equal($"http://localhost/t/{trackingId}", await LabelPages.Decode(pdf, BarcodeFormat.QR_CODE));
        var words = (await LabelPages.Words(pdf)).Select(w => w.Text).ToList();
        Assert.Contains("María", words);
        Assert.Contains("06700", words);
        Assert.Contains(id.ToString(), string.Join(' ', words), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_zpl_label_is_utf8_text_by_trackingId_too()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk();

        using var response = await shipper.GetAsync($"/v1/shipments/{trackingId}/label?format=ZPL");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal($"inline; filename=\"label-{trackingId}.zpl\"", response.Content.Headers.ContentDisposition?.ToString());
        var zpl = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("^XA\n^CI28\n", zpl, StringComparison.Ordinal);
        Assert.Contains($"^BCN,170,N,N,N,A^FH^FD{trackingId}^FS", zpl, StringComparison.Ordinal);
        Assert.Contains($"^FDMA,http://localhost/t/{trackingId}^FS", zpl, StringComparison.Ordinal);
        Assert.Contains("María Pérez", zpl, StringComparison.Ordinal);
        Assert.EndsWith("^XZ\n", zpl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_format_is_400_and_another_shippers_shipment_is_404()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var other = await api.LoginAs(DemoUser.OtherShipper);
        var (id, trackingId) = await shipper.IntegrateOk();
        var (theirs, _) = await other.IntegrateOk();

        using var png = await shipper.GetAsync($"/v1/shipments/{id}/label?format=png");
        var error = (await png.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
        Assert.Equal("INVALID_PARAMETER", error.Str("code"));
        Assert.Equal("format", error.Str("parameter"));
        Assert.Equal("request.query", error.Str("location"));

        using var stranger = await shipper.GetAsync($"/v1/shipments/{theirs}/label");
        await stranger.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        using var batch = await other.PostAsync("/v1/labels", Body(trackingId));
        Assert.Equal("shipmentIds[0]", (await batch.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error().Str("parameter"));

        // Staff print any shipper's labels.
        using var byOperator = await (await api.LoginAs(DemoUser.Operator)).GetAsync($"/v1/shipments/{theirs}/label?format=zpl");
        Assert.Equal(HttpStatusCode.OK, byOperator.StatusCode);
    }

    [SkippableFact]
    public async Task A_batch_is_one_pdf_with_a_page_per_shipment_in_the_order_given()
    {
        Skip.IfNot(LabelPages.PopplerAvailable, LabelPages.Missing);
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var shipments = new List<(Guid Id, string TrackingId)>();
        for (var i = 0; i < 3; i++)
        {
            shipments.Add(await shipper.IntegrateOk());
        }

        // by trackingId, shipmentId, trackingId: the order of the request, not of creation
        using var response = await shipper.PostAsync("/v1/labels",
            Body(shipments[2].TrackingId, shipments[0].Id.ToString(), shipments[1].TrackingId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline; filename=\"labels-3.pdf\"", response.Content.Headers.ContentDisposition?.ToString());
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new LabelPages.Info(3, 288, 432), await LabelPages.PdfInfo(pdf));
        Assert.Equal(shipments[2].TrackingId, await LabelPages.Decode(pdf, BarcodeFormat.CODE_128, page: 1));
        Assert.Equal(shipments[0].TrackingId, await LabelPages.Decode(pdf, BarcodeFormat.CODE_128, page: 2));
        Assert.Equal(shipments[1].TrackingId, await LabelPages.Decode(pdf, BarcodeFormat.CODE_128, page: 3));
    }

    [Fact]
    public async Task A_zpl_batch_concatenates_one_format_per_shipment()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, first) = await shipper.IntegrateOk();
        var (_, second) = await shipper.IntegrateOk();

        using var response = await shipper.PostAsync("/v1/labels", Body([first, second], "zpl"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var zpl = await response.Content.ReadAsStringAsync();
        var formats = zpl.Split("^XZ\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, formats.Length);
        Assert.Contains($"^FD{first}^FS", formats[0], StringComparison.Ordinal);
        Assert.Contains($"^FD{second}^FS", formats[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_naming_unknown_shipments_renders_nothing_and_names_each_of_them()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, known) = await shipper.IntegrateOk();

        using var response = await shipper.PostAsync("/v1/labels", Body("CGMNOSUCHONE00", known, Guid.Empty.ToString()));

        var body = await response.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(new[] { "shipmentIds[0]", "shipmentIds[2]" }, body.GetProperty("errors").EnumerateArray().Select(e => e.Str("parameter")).ToArray());
        Assert.All(body.GetProperty("errors").EnumerateArray(), e => Assert.Equal("request.body", e.Str("location")));
        Assert.Contains("CGMNOSUCHONE00", body.Error(0).Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_must_list_one_to_a_hundred_distinct_shipments_in_a_known_format()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, trackingId) = await shipper.IntegrateOk();

        async Task<string?> Refused(StringContent body, string? code = "INVALID_PARAMETER")
        {
            using var response = await shipper.PostAsync("/v1/labels", body);
            var error = (await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST")).Error();
            Assert.Equal(code, error.Str("code"));
            return error.Str("parameter");
        }

        Assert.Equal("shipmentIds", await Refused(Body([]), "MISSING_PARAMETER"));
        Assert.Equal("shipmentIds", await Refused(new StringContent("{}", Encoding.UTF8, "application/json"), "MISSING_PARAMETER"));
        Assert.Equal("shipmentIds", await Refused(Body(Enumerable.Range(0, 101).Select(i => $"CGM{i:0000000000}").ToArray())));
        Assert.Equal("shipmentIds", await Refused(Body(trackingId, trackingId)));
        Assert.Equal("shipmentIds[1]", await Refused(Body(trackingId, id.ToString())));
        Assert.Equal("format", await Refused(Body([trackingId], "png")));
    }

    [Fact]
    public async Task A_canceled_shipments_label_is_still_served_with_the_canceled_band()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, _) = await shipper.IntegrateOk();
        using var cancel = await shipper.PostAsync($"/v1/shipments/{id}/cancel", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        using var response = await shipper.GetAsync($"/v1/shipments/{id}/label?format=zpl");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("CANCELED - DO NOT SHIP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_vtex_creation_answers_label_links_that_download_without_credentials_and_a_tampered_link_does_not()
    {
        Skip.IfNot(LabelPages.PopplerAvailable, LabelPages.Missing);
        var (service, _, _) = VtexServices.Valid();
        using var created = await api.Vtex().PostAsync("/vtex/services", Orders.Body(service));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var answer = await created.Body();
        var serviceId = answer.Str("serviceId")!;
        var labels = answer.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal(new[] { $"{serviceId}-pdf", $"{serviceId}-zpl" }, labels.Select(l => l.Str("id")).ToArray());
        Assert.Equal(new[] { "PDF", "ZPL" }, labels.Select(l => l.Str("type")).ToArray());
        Assert.All(labels, l => Assert.Equal(new[] { "id", "url", "name", "type" }, l.EnumerateObject().Select(p => p.Name).ToArray()));
        var pdfUrl = new Uri(labels[0].Str("url")!);
        var zplUrl = new Uri(labels[1].Str("url")!);
        Assert.Matches(@"^http://localhost/v1/labels/[A-Za-z0-9_-]+\.pdf$", pdfUrl.ToString());

        var anonymous = api.CreateClient();
        using var pdf = await anonymous.GetAsync(pdfUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.True(pdf.Headers.CacheControl is { NoStore: true, Private: true });
        Assert.Equal(serviceId, await LabelPages.Decode(await pdf.Content.ReadAsByteArrayAsync(), BarcodeFormat.CODE_128));
        using var zpl = await anonymous.GetAsync(zplUrl.PathAndQuery);
        Assert.Contains($"^FD{serviceId}^FS", await zpl.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var token = pdfUrl.Segments[^1][..^".pdf".Length];
        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        foreach (var path in new[] { $"/v1/labels/{tampered}.pdf", $"/v1/labels/{token[..^2]}.pdf", "/v1/labels/not-a-token.pdf" })
        {
            using var refused = await anonymous.GetAsync(path);
            var error = (await refused.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND")).Error();
            Assert.Equal("token", error.Str("parameter"));
        }

        using var badFormat = await anonymous.GetAsync($"/v1/labels/{token}.png");
        await badFormat.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
    }

    [Fact]
    public async Task An_expired_label_link_is_404()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (id, _) = await shipper.IntegrateOk();
        var protector = api.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(LabelLinks.Purpose).ToTimeLimitedDataProtector();
        var live = protector.Protect(id.ToString("N"), TimeSpan.FromMinutes(5));
        var expired = protector.Protect(id.ToString("N"), DateTimeOffset.UtcNow.AddSeconds(-1));

        using var ok = await api.CreateClient().GetAsync($"/v1/labels/{live}.zpl");
        using var gone = await api.CreateClient().GetAsync($"/v1/labels/{expired}.zpl");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await gone.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public void Labels_public_base_url_sets_the_tracking_page_and_the_link_base()
    {
        var links = new LabelLinks(new HttpContextAccessor(), new EphemeralDataProtectionProvider(),
            Options.Create(new LabelOptions { PublicBaseUrl = "https://api.cargamos.test/" }));
        var id = Guid.CreateVersion7();

        Assert.Equal("https://api.cargamos.test/t/CGM4F7KQ2MZ9X0", links.TrackingPage("CGM4F7KQ2MZ9X0"));
        var link = links.Label(id, LabelFormat.Zpl);
        Assert.StartsWith("https://api.cargamos.test/v1/labels/", link, StringComparison.Ordinal);
        Assert.EndsWith(".zpl", link, StringComparison.Ordinal);
        Assert.Equal(id, links.ShipmentOf(link["https://api.cargamos.test/v1/labels/".Length..^".zpl".Length]));
    }

    private static StringContent Body(params string[] ids) => Body(ids, null);

    private static StringContent Body(string[] ids, string? format)
    {
        var body = new JsonObject { ["shipmentIds"] = new JsonArray(ids.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()) };
        if (format is not null)
        {
            body["format"] = format;
        }

        return Orders.Body(body);
    }
}
