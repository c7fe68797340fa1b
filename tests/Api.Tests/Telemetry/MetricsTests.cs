using System.Net;
using System.Net.Http.Headers;
using Cargamos.Modular.Api.Hosting;
using ApiTelemetry = Cargamos.Modular.Api.Hosting.Telemetry;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Spreadsheets;
using Cargamos.Modular.Api.Tests.Webhooks;
using Cargamos.Modular.Infrastructure.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cargamos.Modular.Api.Tests.Telemetry;

/// <summary>
/// Our meter read while the API is driven (each collector sees only this host's instruments), and the operator-only
/// Prometheus scrape. Without an OTLP endpoint no tracer exists: no span is created and nothing is exported.
/// </summary>
public sealed class MetricsTests(WebhookApiFactory api) : IClassFixture<WebhookApiFactory>
{
    [Fact]
    public async Task An_accepted_and_two_rejected_orders_count_into_cargamos_orders_with_outcome_code_and_source()
    {
        using var orders = api.Collect<long>("cargamos.orders");
        var shipper = await api.LoginAs(DemoUser.Shipper);

        await shipper.IntegrateOk();
        var outOfCoverage = Orders.Valid(postalCode: "99999");
        using (var refused = await shipper.Integrate(outOfCoverage))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        var incomplete = Orders.Valid();
        incomplete["recipientInformation"]!.AsObject().Remove("name");
        using (var refused = await shipper.Integrate(incomplete))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var simulated = await shipper.Integrate(Orders.Valid(), "?simulate=true"))
        {
            Assert.True(simulated.IsSuccessStatusCode);
        }

        Assert.Equal(1, orders.Sum(("outcome", "accepted"), ("source", "api")));
        Assert.Equal(1, orders.Sum(("outcome", "rejected"), ("code", "COVERAGE_FAILURE"), ("source", "api")));
        Assert.Equal(1, orders.Sum(("outcome", "rejected"), ("code", "MISSING_PARAMETER"), ("source", "api")));
        Assert.Equal(3, orders.Sum(("source", "api")));
    }

    [Fact]
    public async Task Each_group_of_api_orders_records_its_size_and_its_round_trip()
    {
        using var sizes = api.Collect<long>("cargamos.orders.write_group.size");
        using var durations = api.Collect<double>("cargamos.orders.write_group.duration");
        var shipper = await api.LoginAs(DemoUser.Shipper);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => shipper.IntegrateOk()));

        // However the three were grouped, each was written in exactly one group, and each group's round trip was timed.
        Assert.Equal(3, sizes.Sum(("outcome", "written")));
        var written = durations.GetMeasurementSnapshot().Where(m => Equals(m.Tags["outcome"], "written")).ToList();
        Assert.Equal(sizes.GetMeasurementSnapshot().Count, written.Count);
        Assert.All(written, m => Assert.InRange(m.Value, 0, 30));
    }

    [Fact]
    public async Task A_webhook_delivery_records_its_lag_and_a_delivered_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var lag = new MetricCollector<double>(api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Application.Common.Telemetry.CargamosMetrics.MeterName, "cargamos.webhook.delivery.lag");
        using var attempts = api.Collect<long>("cargamos.webhook.attempts");
        var (_, shipper) = await api.NewShipper();
        await shipper.Register(receiver.Url, "CREATED");

        await shipper.IntegrateOk();
        await WebhookKit.Until(() => receiver.Delivered.Count == 1 && lag.GetMeasurementSnapshot().Count == 1, "the delivery and its lag");

        var recorded = Assert.Single(lag.GetMeasurementSnapshot());
        Assert.InRange(recorded.Value, 0, 30);
        Assert.Equal(false, recorded.Tags["retried"]);
        Assert.Equal(1, attempts.Sum(("outcome", "delivered")));
    }

    [Fact]
    public async Task A_spreadsheet_lot_records_its_rows_its_orders_and_its_duration()
    {
        using var rows = api.Collect<long>("cargamos.lot.rows");
        using var orders = api.Collect<long>("cargamos.orders");
        using var duration = new MetricCollector<double>(api.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Application.Common.Telemetry.CargamosMetrics.MeterName, "cargamos.lot.duration");
        var shipper = await api.LoginAs(DemoUser.Shipper);

        var lotId = await shipper.UploadOk(Sheets.Csv([Sheets.ValidRow(Orders.Unique()), Sheets.ValidRow(Orders.Unique(), postalCode: "99999")]));
        await shipper.WaitFor(lotId, null, "COMPLETED");
        await WebhookKit.Until(() => duration.GetMeasurementSnapshot().Count == 1, "the lot's duration");

        Assert.Equal(1, rows.Sum(("outcome", "created")));
        Assert.Equal(1, rows.Sum(("outcome", "rejected")));
        Assert.Equal(1, orders.Sum(("outcome", "accepted"), ("source", "spreadsheet")));
        Assert.Equal(1, orders.Sum(("outcome", "rejected"), ("code", "COVERAGE_FAILURE"), ("source", "spreadsheet")));
        Assert.Equal("COMPLETED", Assert.Single(duration.GetMeasurementSnapshot()).Tags["status"]);
    }

    [Fact]
    public async Task The_metrics_scrape_is_prometheus_text_for_operators_401_anonymous_and_403_for_shippers()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        await shipper.IntegrateOk();

        using (var anonymous = await api.CreateClient().GetAsync(ApiTelemetry.MetricsPath))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var forbidden = await shipper.GetAsync(ApiTelemetry.MetricsPath))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var operatorClient = await api.LoginAs(DemoUser.Operator);
        using var scrape = await operatorClient.GetAsync(ApiTelemetry.MetricsPath);
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE cargamos_orders_total counter", text, StringComparison.Ordinal);
        Assert.Contains("cargamos_orders_total{otel_scope_name=\"Cargamos.Modular\",outcome=\"accepted\",source=\"api\"}", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal); // ASP.NET Core
        Assert.Contains("db_client_", text, StringComparison.Ordinal); // Npgsql
        Assert.Contains("marten_event_append", text, StringComparison.Ordinal); // Marten
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal); // the runtime
    }

    [Fact]
    public async Task The_webhook_backlog_gauges_are_read_in_the_background_when_collected()
    {
        using var backlog = api.Collect<long>("cargamos.webhook.backlog");

        // The first collection starts the read; a later one answers it (never waiting for the database).
        await WebhookKit.Until(() =>
        {
            backlog.RecordObservableInstruments();
            return backlog.GetMeasurementSnapshot().Count > 0;
        }, "the backlog gauge");

        var states = backlog.GetMeasurementSnapshot().Select(m => (string)m.Tags["state"]!).Distinct().Order().ToArray();
        Assert.Equal(new[] { "due", "parked", "sending", "waiting" }, states);
        Assert.All(backlog.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 10_000));
    }

    [Fact]
    public async Task The_breakers_gauge_counts_the_webhooks_whose_breaker_is_open_or_probing()
    {
        var backlog = api.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookBacklog>().Single();
        var before = await backlog.Read(CancellationToken.None);
        await using (var connection = new Npgsql.NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new Npgsql.NpgsqlCommand("""
                insert into cargamos.webhook_breakers (shipper_id, failures, opens, open_until, opened_at)
                values ('metrics-open', 12, 1, now() + interval '1 minute', now()), ('metrics-probing', 30, 3, now() - interval '1 second', now() - interval '1 minute'),
                       ('metrics-counting', 3, 0, null, null)
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }

        var after = await backlog.Read(CancellationToken.None);
        Assert.Equal(before.OpenBreakers + 1, after.OpenBreakers);
        Assert.Equal(before.ProbingBreakers + 1, after.ProbingBreakers);

        using var breakers = api.Collect<long>("cargamos.webhook.breakers");
        await WebhookKit.Until(() =>
        {
            breakers.RecordObservableInstruments();
            return breakers.GetMeasurementSnapshot().Count > 0;
        }, "the breakers gauge");
        Assert.Equal(new[] { "open", "probing" }, breakers.GetMeasurementSnapshot().Select(m => (string)m.Tags["state"]!).Distinct().Order().ToArray());
    }

    [Fact]
    public void Without_an_otlp_endpoint_there_is_no_tracer_and_no_otlp_exporter()
    {
        Assert.Null(api.Services.GetRequiredService<TelemetrySettings>().OtlpEndpoint);
        Assert.Null(api.Services.GetService<TracerProvider>());
        var exporters = MeterReaders.Exporters(api.Services.GetRequiredService<MeterProvider>());
        Assert.Contains(exporters, e => e.Contains("Prometheus", StringComparison.Ordinal));
        Assert.DoesNotContain(exporters, e => e.Contains("Otlp", StringComparison.Ordinal));
    }
}
