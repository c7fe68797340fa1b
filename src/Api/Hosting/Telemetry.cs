using System.Diagnostics;
using System.Globalization;
using Cargamos.Modular.Application.Common.Ports;
using Cargamos.Modular.Application.Common.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cargamos.Modular.Api.Hosting;

/// <summary>
/// OpenTelemetry (docs/operations.md#telemetry). Metrics always: ASP.NET Core, HttpClient, Npgsql, Marten, the runtime and
/// ours (<see cref="CargamosMetrics"/>), scraped at <see cref="MetricsPath"/> by an operator. With an OTLP endpoint
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>Telemetry:Otlp:Endpoint</c>) the metrics are also pushed there, and traces
/// are recorded (sampled) and exported; without one no tracer is registered, so no span is ever created, and nothing is
/// written to the console.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    // The signed label links (LabelEndpoints: /v1/labels/{token}.{format}).
    private const string LabelLinks = "/v1/labels";
    private const string LabelLinkRoute = "/v1/labels/{token}.{format}";

    /// <summary>Activity sources and meters of the libraries we use, by name (Npgsql's are built into Npgsql itself).</summary>
    internal static readonly string[] LibrarySources = ["Marten", "Npgsql"];

    public static IServiceCollection AddCargamosTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = TelemetrySettings.From(configuration);
        services.AddSingleton(settings);
        services.AddMetrics();
        services.AddSingleton<CargamosMetrics>();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings.ServiceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter([CargamosMetrics.MeterName, .. LibrarySources, "System.Runtime"])
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter();
            if (settings.OtlpEndpoint is not null)
            {
                metrics.AddOtlpExporter(o => settings.Configure(o, "v1/metrics"));
            }
        });

        if (settings.OtlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new WorkSampler(settings.SampleRatio)))
                .AddSource([CargamosMetrics.MeterName, .. LibrarySources])
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsPath);

                    // A signed label link is a credential (30 days of access to a recipient's address): the span keeps the route, not the token.
                    o.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments(LabelLinks))
                        {
                            activity.SetTag("url.path", LabelLinkRoute);
                        }
                    };
                })
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(o => settings.Configure(o, "v1/traces")));
        }

        return services;
    }

    /// <summary><c>GET /metrics</c>: the Prometheus text format, for operators only; not part of the API's OpenAPI document.</summary>
    public static IEndpointConventionBuilder MapCargamosMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(p => p.RequireRole(Roles.Operator))
            .ExcludeFromDescription();

    /// <summary>
    /// Roots: the configured ratio of requests and of our background work, but no span for a database or HTTP call made
    /// outside any request or work span (the workers' idle polls would otherwise be a trace each, every second).
    /// </summary>
    private sealed class WorkSampler(double ratio) : Sampler
    {
        private readonly TraceIdRatioBasedSampler sampler = new(ratio);

        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            parameters.Kind == ActivityKind.Client ? new SamplingResult(SamplingDecision.Drop) : sampler.ShouldSample(parameters);
    }
}

/// <summary>
/// Section <c>Telemetry</c> and the standard OpenTelemetry variables: the OTLP endpoint (<c>Telemetry:Otlp:Endpoint</c>, else
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; none: no OTLP export and no traces), its protocol (<c>grpc</c>, the default, or
/// <c>http/protobuf</c>), the share of traces kept, and the service name.
/// </summary>
public sealed record TelemetrySettings(Uri? OtlpEndpoint, OtlpExportProtocol Protocol, double SampleRatio, string ServiceName)
{
    public static TelemetrySettings From(IConfiguration configuration)
    {
        var endpoint = FirstOf(configuration, "Telemetry:Otlp:Endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT");
        var protocol = FirstOf(configuration, "Telemetry:Otlp:Protocol", "OTEL_EXPORTER_OTLP_PROTOCOL");
        var ratio = configuration["Telemetry:Traces:SampleRatio"];
        return new TelemetrySettings(
            endpoint is null
                ? null
                : Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? uri
                    : throw new InvalidOperationException($"The OTLP endpoint '{endpoint}' is not an absolute http(s) URL (Telemetry:Otlp:Endpoint or OTEL_EXPORTER_OTLP_ENDPOINT)."),
            protocol switch
            {
                null or "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                _ => throw new InvalidOperationException($"The OTLP protocol '{protocol}' is not supported: use grpc or http/protobuf."),
            },
            ratio is null ? 0.1 : double.Parse(ratio, CultureInfo.InvariantCulture) is var r and >= 0 and <= 1
                ? r
                : throw new InvalidOperationException("Telemetry:Traces:SampleRatio must be between 0 and 1."),
            FirstOf(configuration, "OTEL_SERVICE_NAME") ?? "cargamos-modular");
    }

    /// <summary>As the OpenTelemetry specification has it: over http/protobuf each signal has its path under the endpoint.</summary>
    internal void Configure(OtlpExporterOptions options, string signalPath)
    {
        options.Protocol = Protocol;
        options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(OtlpEndpoint!.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : OtlpEndpoint!;
    }

    private static string? FirstOf(IConfiguration configuration, params string[] keys) =>
        keys.Select(k => configuration[k]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
