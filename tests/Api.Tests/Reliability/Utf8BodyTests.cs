using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Reliability;

/// <summary>JSON bodies must be UTF-8: an invalid byte anywhere, a property name included, is a 400 naming it.</summary>
public sealed class Utf8BodyTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_invalid_byte_in_a_property_name_is_a_400_not_a_silently_absent_field()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var json = Encoding.UTF8.GetBytes(Orders.Valid(Orders.Unique("UTF")).ToJsonString());
        var bytes = Encoding.UTF8.GetBytes("{\"ref").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("erence\":\"x\",")).Concat(json[1..]).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await shipper.PostAsync("/v1/delivery-orders", content);

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("INVALID_PARAMETER", body.Error().Str("code"));
        Assert.Equal("request.body", body.Error().Str("location"));
        Assert.StartsWith("The request body is not valid UTF-8: byte 0xFF at position 5.", body.Error().Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accents_and_emoji_pass()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("UTF"));
        order["recipientInformation"]!["name"] = "María José Ñúñez 🚚";

        var (_, trackingId) = await shipper.IntegrateOk(order);

        using var shipment = await shipper.GetAsync($"/v1/shipments/{trackingId}");
        var data = (await shipment.Body()).GetProperty("data");
        Assert.Equal("María José Ñúñez 🚚", data.GetProperty("order").GetProperty("recipientInformation").Str("name"));
    }

    [Theory]
    [InlineData("María 🚚 \"ok\"")]
    [InlineData("abc\u00e9\u4e2d")]
    public async Task Sequences_split_across_reads_are_followed(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await using var stream = new Utf8Body.Utf8ValidatingStream(new OneByteAtATime(bytes));
        var buffer = new byte[16];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        Assert.Equal(bytes.Length, total);
    }

    [Fact]
    public async Task A_truncated_sequence_at_the_end_and_a_stray_byte_are_refused_with_their_position()
    {
        var truncated = Encoding.UTF8.GetBytes("{\"a\":\"é").SkipLast(1).ToArray(); // the first byte of é, then the end
        var stray = Encoding.UTF8.GetBytes("{\"ab").Concat(new byte[] { 0x80 }).ToArray();

        var end = await Assert.ThrowsAsync<InvalidUtf8BodyException>(() => ReadAll(truncated));
        var middle = await Assert.ThrowsAsync<InvalidUtf8BodyException>(() => ReadAll(stray));

        Assert.Equal(6, end.Position);
        Assert.Equal(4, middle.Position);
        Assert.Equal(0x80, middle.Value);
    }

    [Theory]
    [InlineData("\\u0000", "recipientInformation.name", "NUL character")]
    [InlineData("Mar\\u0000ía", "recipientInformation.name", "NUL character")]
    [InlineData("\\ud800", "recipientInformation.name", "unpaired surrogate")]
    [InlineData("x\\udc00y", "recipientInformation.name", "unpaired surrogate")]
    public async Task Text_no_store_can_hold_is_a_400_naming_the_field(string escaped, string parameter, string reason)
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("NUL"));
        order["recipientInformation"]!["name"] = "NAME-HERE";
        var json = order.ToJsonString().Replace("\"NAME-HERE\"", $"\"{escaped}\"", StringComparison.Ordinal);
        Assert.Contains(escaped, json, StringComparison.Ordinal);

        using var response = await shipper.PostAsync("/v1/delivery-orders", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(("INVALID_PARAMETER", parameter), (body.Error().Str("code"), body.Error().Str("parameter")));
        Assert.Contains(reason, body.Error().Str("details"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_property_given_twice_is_a_400_naming_it_not_the_last_one_silently()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var json = Orders.Valid(Orders.Unique("DUP")).ToJsonString();
        json = json.Insert(json.IndexOf("\"shipperTrackingId\"", StringComparison.Ordinal), "\"shipperTrackingId\":\"OTHER-ONE\",");

        using var response = await shipper.PostAsync("/v1/delivery-orders", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal(("INVALID_PARAMETER", "shipperTrackingId"), (body.Error().Str("code"), body.Error().Str("parameter")));
        Assert.Equal("The property 'shipperTrackingId' is given more than once; send each property once.", body.Error().Str("details"));
    }

    private static async Task ReadAll(byte[] bytes)
    {
        await using var stream = new Utf8Body.Utf8ValidatingStream(new OneByteAtATime(bytes));
        var buffer = new byte[16];
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
    }

    private sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
