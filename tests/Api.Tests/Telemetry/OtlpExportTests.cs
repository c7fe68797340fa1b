using System.Collections.Concurrent;
using Cargamos.Modular.Api.Hosting;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cargamos.Modular.Api.Tests.Telemetry;

/// <summary>With an OTLP endpoint (here a local collector stand-in over http/protobuf), traces and metrics are exported to it.</summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string? ContentType, long Bytes)> received = new();
    private WebApplication? collector;
    private ApiFactory? api;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "OtlpCollector" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        collector = builder.Build();
        collector.MapPost("/{**signal}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            received.Enqueue((http.Request.Path, http.Request.ContentType, body.Length));
            http.Response.ContentType = "application/x-protobuf";
        });
        await collector.StartAsync();

        api = new ApiFactory();
        api.Settings["Telemetry:Otlp:Endpoint"] = collector.Urls.First();
        api.Settings["Telemetry:Otlp:Protocol"] = "http/protobuf";
        api.Settings["Telemetry:Traces:SampleRatio"] = "1";
        await api.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (api is not null)
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }

        if (collector is not null)
        {
            await collector.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_are_traced_and_metrics_pushed_to_the_configured_endpoint()
    {
        Assert.NotNull(api!.Services.GetRequiredService<TelemetrySettings>().OtlpEndpoint);
        var tracer = api.Services.GetService<TracerProvider>();
        Assert.NotNull(tracer);
        var exporters = MeterReaders.Exporters(api.Services.GetRequiredService<MeterProvider>());
        Assert.Contains(exporters, e => e.Contains("Prometheus", StringComparison.Ordinal));
        Assert.Contains(exporters, e => e.Contains("Otlp", StringComparison.Ordinal));

        var shipper = await api.LoginAs(DemoUser.Shipper);
        await shipper.IntegrateOk();

        Assert.True(tracer.ForceFlush(10_000), "the traces were not flushed");
        // The Prometheus reader answers false outside a scrape; the OTLP reader beside it is flushed all the same.
        api.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000);
        Assert.Contains(received, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf" && r.Bytes > 0);
        Assert.Contains(received, r => r.Path == "/v1/metrics" && r.Bytes > 0);
    }
}
