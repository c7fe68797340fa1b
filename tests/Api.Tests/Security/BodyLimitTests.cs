using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Spreadsheets;
using Cargamos.Modular.Infrastructure.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests.Security;

/// <summary>
/// The API with a probe in front of everything: for a request with <c>X-Test-Probe: id</c> it counts the body bytes the
/// API read; <c>X-Test-Chunked</c> drops the Content-Length (a chunked body: the test server always knows the length).
/// </summary>
public sealed class BodyProbeFactory : ApiFactory
{
    public ConcurrentDictionary<string, long> BytesRead { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter>(new Probe(BytesRead));

    private sealed class Probe(ConcurrentDictionary<string, long> read) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, continuation) =>
            {
                if (context.Request.Headers["X-Test-Probe"].ToString() is not { Length: > 0 } id)
                {
                    await continuation(context);
                    return;
                }

                if (context.Request.Headers.ContainsKey("X-Test-Chunked"))
                {
                    context.Request.ContentLength = null;
                }

                var counting = new CountingStream(context.Request.Body);
                context.Request.Body = counting;
                try
                {
                    await continuation(context);
                }
                finally
                {
                    read[id] = counting.Taken;
                }
            });
            next(app);
        };
    }

    private sealed class CountingStream(Stream inner) : ReadOnlyStream
    {
        public long Taken { get; private set; }

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int bytes)
        {
            Taken += bytes;
            return bytes;
        }
    }
}

/// <summary>
/// Request bodies are bounded before they are read: 256 KB for every endpoint but the spreadsheet upload, which keeps its
/// file limit and reads nothing before the caller's role and standing are checked.
/// </summary>
public sealed class BodyLimitTests(BodyProbeFactory api) : IClassFixture<BodyProbeFactory>
{
    private const int Mb = 1024 * 1024;

    [Fact]
    public async Task An_11_MB_order_is_413_before_its_body_is_read()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);

        using var response = await shipper.SendAsync(Probed("/v1/delivery-orders", Json(11 * Mb), "eleven"));

        var envelope = await response.AssertEnvelope(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal("PAYLOAD_TOO_LARGE", envelope.Error().Str("code"));
        Assert.Equal("The request body is 11,534,336 bytes; this endpoint accepts at most 262,144 bytes.", envelope.Error().Str("details"));
        Assert.Equal(0, api.BytesRead["eleven"]);
    }

    [Fact]
    public async Task A_chunked_body_is_cut_off_just_past_the_limit()
    {
        var request = Probed("/token", Json(2 * Mb), "chunked");
        request.Headers.Add("X-Test-Chunked", "true");

        using var response = await api.CreateClient().SendAsync(request);

        var envelope = await response.AssertEnvelope(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal("The request body is longer than the limit; this endpoint accepts at most 262,144 bytes.", envelope.Error().Str("details"));
        Assert.InRange(api.BytesRead["chunked"], 256 * 1024, 256 * 1024 + 64 * 1024);
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var order = Orders.Valid(Orders.Unique("BIG"));
        order["packageInformation"]!["contents"] = new string('x', 200 * 1024);

        using var response = await shipper.Integrate(order);

        // Read and validated (the field's own limit answers), not refused for its size.
        var envelope = await response.AssertEnvelope(HttpStatusCode.BadRequest, "BAD_REQUEST");
        Assert.Equal("packageInformation.contents", envelope.Error().Str("parameter"));
    }

    [Theory]
    [InlineData("auditor")]
    [InlineData("operator")]
    public async Task An_upload_by_a_non_shipper_is_403_before_the_file_is_read(string who)
    {
        var client = await api.LoginAs(who == "auditor" ? DemoUser.Auditor : DemoUser.Operator);
        var file = new ByteArrayContent(new byte[5 * Mb]) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };
        var form = new MultipartFormDataContent { { file, "file", "orders.csv" } };

        using var response = await client.SendAsync(Probed("/v1/integration-lots", form, "upload-" + who));

        Assert.Equal("FORBIDDEN", (await response.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
        Assert.Equal(0, api.BytesRead["upload-" + who]);
    }

    [Fact]
    public async Task The_upload_keeps_its_own_limit_above_256_KB()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var rows = Enumerable.Range(0, 2_000).Select(_ => Sheets.ValidRow()).ToList();
        var csv = Sheets.Csv(rows);
        Assert.True(csv.Length > 256 * 1024, $"{csv.Length} bytes");

        var lotId = await shipper.UploadOk(csv);

        Assert.True(lotId > 0);
    }

    private static HttpRequestMessage Probed(string path, HttpContent content, string probe)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Test-Probe", probe);
        return request;
    }

    /// <summary>A JSON body of <paramref name="length"/> bytes: <c>{"a":"xxx…"}</c>.</summary>
    private static ByteArrayContent Json(int length)
    {
        var bytes = new byte[length];
        bytes.AsSpan().Fill((byte)'x');
        Encoding.ASCII.GetBytes("{\"a\":\"").CopyTo(bytes, 0);
        Encoding.ASCII.GetBytes("\"}").CopyTo(bytes, length - 2);
        return new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
    }
}
