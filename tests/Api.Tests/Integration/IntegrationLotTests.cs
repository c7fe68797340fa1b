using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Spreadsheets;

namespace Cargamos.Modular.Api.Tests.Integration;

/// <summary>
/// One creation path and one lot model: an API order is a lot of one, readable by the id its ALREADY_EXISTS names; a used
/// trackingId is refused with the same error whether the duplicate comes from the API or from a spreadsheet row.
/// </summary>
public sealed partial class IntegrationLotTests(SpreadsheetApiFactory api) : IClassFixture<SpreadsheetApiFactory>
{
    [Fact]
    public async Task An_api_order_is_a_lot_of_one_readable_by_the_id_its_already_exists_names_but_not_listed()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var trackingId = Orders.Unique("LOT1");
        var (shipmentId, _) = await shipper.IntegrateOk(Orders.Valid(trackingId));
        using var again = await shipper.Integrate(Orders.Valid(trackingId));
        var lotId = LotIdOf((await again.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error());

        var lot = await shipper.Lot(lotId);
        Assert.Equal(("COMPLETED", 1, 1, 1, 0), (lot.Str("status"), lot.GetProperty("totalRows").GetInt32(), lot.GetProperty("processedRows").GetInt32(),
            lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32()));
        Assert.Equal(JsonValueKind.Null, lot.GetProperty("fileName").ValueKind);
        Assert.Equal(JsonValueKind.Null, lot.GetProperty("format").ValueKind);
        var row = Assert.Single(await shipper.Results(lotId));
        Assert.Equal((1, "CREATED", trackingId, shipmentId.ToString()), (row.GetProperty("row").GetInt32(), row.Str("outcome"), row.Str("trackingId"), row.Str("shipmentId")));
        using var shipments = await shipper.GetAsync($"/v1/shipments?lotId={lotId}");
        Assert.Equal(shipmentId.ToString(), Assert.Single((await shipments.Body()).GetProperty("data").GetProperty("items").EnumerateArray().ToList()).Str("shipmentId"));

        // The listings show spreadsheet uploads only; another shipper cannot see the lot.
        var fileLot = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow()]));
        using var listed = await shipper.GetAsync("/v1/integration-lots?limit=200");
        var ids = (await listed.Body()).GetProperty("data").GetProperty("items").EnumerateArray().Select(l => l.GetProperty("lotId").GetInt64()).ToList();
        Assert.Contains(fileLot, ids);
        Assert.DoesNotContain(lotId, ids);
        var other = await api.LoginAs(DemoUser.OtherShipper);
        using var hidden = await other.GetAsync($"/v1/integration-lots/{lotId}");
        await hidden.AssertEnvelope(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_used_tracking_id_is_refused_with_the_same_error_from_the_api_and_from_a_spreadsheet_row()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var byApi = Orders.Unique("ONE");
        await shipper.IntegrateOk(Orders.Valid(byApi));

        using var apiDuplicate = await shipper.Integrate(Orders.Valid(byApi));
        var apiError = (await apiDuplicate.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        var lotId = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(byApi), Sheets.ValidRow()]));
        Assert.Equal(("COMPLETED", 1, 1), await Finished(shipper, lotId));
        var rowError = (await shipper.Results(lotId))[0].GetProperty("errors")[0];

        Assert.Equal(
            (apiError.Str("code"), apiError.Str("message"), apiError.Str("details"), apiError.Str("parameter")),
            (rowError.Str("code"), rowError.Str("message"), rowError.Str("details"), rowError.Str("parameter")));
        Assert.Equal("ALREADY_EXISTS", rowError.Str("code"));

        // The other way round: a trackingId a spreadsheet created first is refused to the API, naming the file's lot.
        var byFile = Orders.Unique("ONE");
        var fileLot = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(byFile)]));
        Assert.Equal(("COMPLETED", 1, 0), await Finished(shipper, fileLot));
        using var fromApi = await shipper.Integrate(Orders.Valid(byFile));
        var error = (await fromApi.AssertEnvelope(HttpStatusCode.Conflict, "CONFLICT")).Error();
        Assert.Equal(("ALREADY_EXISTS", "shipperTrackingId", fileLot), (error.Str("code"), error.Str("parameter"), LotIdOf(error)));
    }

    private static async Task<(string?, int, int)> Finished(HttpClient shipper, long lotId)
    {
        var lot = await shipper.WaitFor(lotId);
        return (lot.Str("status"), lot.GetProperty("created").GetInt32(), lot.GetProperty("rejected").GetInt32());
    }

    private static long LotIdOf(JsonElement alreadyExists) =>
        long.Parse(LotIdPattern().Match(alreadyExists.Str("details")!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Integration lot id: (\d+)\.")]
    private static partial Regex LotIdPattern();
}
