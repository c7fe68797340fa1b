using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;

namespace Cargamos.Modular.Api.Tests.Performance;

/// <summary>
/// The database round trips one request costs, counted from Npgsql's own trace (one activity per command or batch
/// sent) for that request's trace only: the budget of docs/performance.md, held as a count, not a timing.
/// </summary>
public sealed class RoundTripTests(ApiFactory api) : IClassFixture<ApiFactory>, IDisposable
{
    private static readonly ActivitySource Test = new("Cargamos.Tests.RoundTrips");
    private readonly ConcurrentBag<Activity> database = [];
    private readonly ActivityListener listener = new()
    {
        ShouldListenTo = _ => true,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task An_order_costs_one_batched_command_once_the_reference_data_is_warm()
    {
        var shipper = await api.LoginAs(DemoUser.Shipper);
        Assert.Equal(HttpStatusCode.Created, (await shipper.Integrate(Orders.Valid(Orders.Unique("WARM")))).StatusCode);

        var sent = await Counted(shipper, () => shipper.Integrate(Orders.Valid(Orders.Unique("RT"))));

        Assert.Equal(HttpStatusCode.Created, sent.Response.StatusCode);
        Assert.True(sent.Statements.Count <= MaxOrderRoundTrips,
            $"{sent.Statements.Count} round trips (budget {MaxOrderRoundTrips}):{Environment.NewLine}{string.Join(Environment.NewLine, sent.Statements)}");
    }

    [Fact]
    public async Task A_carrier_status_update_finds_the_service_reads_its_stream_and_documents_in_one_batch_then_appends_in_one_batch()
    {
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        var (_, warm) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, warm, CarrierClient.Status("PENDING"))).StatusCode);
        var (_, serviceId) = await api.Shipment();

        var sent = await Counted(carrier, () => carrier.Patch(CarrierClient.Servientrega, serviceId, CarrierClient.Status("PENDING")));

        Assert.Equal(HttpStatusCode.OK, sent.Response.StatusCode);
        Assert.True(sent.Statements.Count <= MaxCarrierUpdateRoundTrips,
            $"{sent.Statements.Count} round trips (budget {MaxCarrierUpdateRoundTrips}):{Environment.NewLine}{string.Join(Environment.NewLine, sent.Statements)}");
    }

    [Fact]
    public async Task A_carrier_s_next_report_on_the_same_service_checks_its_id_in_the_read_batch_instead_of_looking_it_up_first()
    {
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);
        var (_, warm) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, warm, CarrierClient.Status("PENDING"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, warm, CarrierClient.Status("ASSIGNED"))).StatusCode);
        var (_, serviceId) = await api.Shipment();
        Assert.Equal(HttpStatusCode.OK, (await carrier.Patch(CarrierClient.Servientrega, serviceId, CarrierClient.Status("PENDING"))).StatusCode);

        var sent = await Counted(carrier, () => carrier.Patch(CarrierClient.Servientrega, serviceId, CarrierClient.Status("ASSIGNED")));

        Assert.Equal(HttpStatusCode.OK, sent.Response.StatusCode);
        Assert.True(sent.Statements.Count <= MaxRepeatedCarrierUpdateRoundTrips,
            $"{sent.Statements.Count} round trips (budget {MaxRepeatedCarrierUpdateRoundTrips}):{Environment.NewLine}{string.Join(Environment.NewLine, sent.Statements)}");

        // The append is the group's multi-row batch (ADR 006), not Marten's per-update function and its COMMIT.
        Assert.StartsWith("insert into cargamos.mt_events ", sent.Statements[^1].Split(": ", 2)[1]);
        Assert.DoesNotContain(sent.Statements, s => s.Contains("mt_quick_append_events", StringComparison.Ordinal) || s.Contains("COMMIT", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The service id remembered from the last report (CarrierServiceIds): one batch reading the stream and documents and
    /// looking the trackingId up again (the check that it still names this shipment), then the append batch.
    /// </summary>
    internal const int MaxRepeatedCarrierUpdateRoundTrips = 2;

    /// <summary>
    /// The service found by its id (tracking read model: a trackingId is unique per shipper only, so it is looked up, not
    /// cached), then one batch reading the stream for the decision with the inline projections' documents (tracking, VTEX
    /// view) into the identity map, then the one append batch. The carrier and the webhook subscription come from memory;
    /// the outbox takes the state before the save from the aggregate the store loaded.
    /// </summary>
    internal const int MaxCarrierUpdateRoundTrips = 3;

    /// <summary>
    /// Commands sent: the one batch of the order's group (streams, events, inline projections, outbox rows, lots of one),
    /// run as one implicit transaction, so no COMMIT follows (docs/adr/004-group-commit.md). Organization, contract,
    /// coverage and webhook subscription come from memory; lot ids come 50 at a time.
    /// </summary>
    internal const int MaxOrderRoundTrips = 1;

    private async Task<(HttpResponseMessage Response, List<string> Statements)> Counted(HttpClient client, Func<Task<HttpResponseMessage>> send)
    {
        listener.ActivityStopped = a =>
        {
            if (a.Source.Name == "Npgsql")
            {
                database.Add(a);
            }
        };
        ActivitySource.AddActivityListener(listener);
        using var root = Test.StartActivity("request") ?? throw new InvalidOperationException("No listener: the trace cannot be followed.");
        // The request joins this trace through W3C trace context, as it would behind a traced gateway.
        client.DefaultRequestHeaders.Add("traceparent", $"00-{root.TraceId}-{root.SpanId}-01");
        HttpResponseMessage response;
        try
        {
            response = await send();
        }
        finally
        {
            client.DefaultRequestHeaders.Remove("traceparent");
            root.Stop();
        }

        var mine = database.Where(a => a.TraceId == root.TraceId)
            .OrderBy(a => a.StartTimeUtc)
            .Select(Describe)
            .ToList();
        Assert.True(mine.Count > 0, $"no database activity in the request's trace ({database.Count} Npgsql activities in all, traces {string.Join(",", database.Select(a => a.TraceId.ToString()[..6]).Distinct())}, root {root.TraceId.ToString()[..6]})");
        return (response, mine);
    }

    /// <summary>The database and the start of the statement (enough to tell which read or write it is).</summary>
    private static string Describe(Activity command)
    {
        var sql = (command.GetTagItem("db.query.text") ?? command.GetTagItem("db.statement"))?.ToString()?.ReplaceLineEndings(" ") ?? "";
        return $"{command.DisplayName}: {sql[..Math.Min(160, sql.Length)]}";
    }
}
