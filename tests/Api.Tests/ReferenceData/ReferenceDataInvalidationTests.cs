using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Application.Access.Contracts;
using Cargamos.Modular.Domain.ReferenceData;
using Cargamos.Modular.Infrastructure.Common;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cargamos.Modular.Api.Tests.ReferenceData;

/// <summary>
/// Two API processes over one database: reference data is read from memory, and a change an operator makes on one
/// process is seen by the other at once (PostgreSQL NOTIFY), not after a cache age; the second identical order reads no
/// reference data from the database.
/// </summary>
public sealed class ReferenceDataInvalidationTests : IAsyncLifetime
{
    private const string Password = "a-long-secret-123";

    // What "at once" allows on a loaded 2-core machine; a notification normally arrives within milliseconds.
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(2);

    private readonly ApiFactory nodeA = new();
    private ApiFactory? nodeB;

    private ApiFactory NodeB => nodeB ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await nodeA.StartAsync();
        nodeB = new SecondNode(nodeA.ConnectionString);
        await nodeB.StartAsync();
        await Listening(nodeA);
        await Listening(NodeB);
    }

    public async Task DisposeAsync()
    {
        if (nodeB is not null)
        {
            await nodeB.DisposeAsync();
        }

        await ((IAsyncLifetime)nodeA).DisposeAsync();
    }

    [Fact]
    public async Task A_shipper_suspended_on_one_node_is_refused_on_the_other_at_once()
    {
        var operatorA = await nodeA.LoginAs(DemoUser.Operator);
        var shipper = await NewShipper(operatorA);
        var shipperB = await NodeB.LoginAs(shipper);
        using (var accepted = await shipperB.Integrate(Orders.Valid()))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode); // node B now holds the organization and its contract
        }

        using (var suspend = await operatorA.PostAsync($"/v1/admin/shippers/{shipper.OrganizationKey}/suspend", null))
        {
            Assert.Equal(HttpStatusCode.OK, suspend.StatusCode);
        }

        using var refused = await Eventually(() => shipperB.Integrate(Orders.Valid()), r => r.StatusCode == HttpStatusCode.Forbidden);
        Assert.Equal("ACCOUNT_SUSPENDED", (await refused.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
    }

    [Fact]
    public async Task A_coverage_zone_put_on_one_node_covers_on_the_other_at_once()
    {
        var operatorA = await nodeA.LoginAs(DemoUser.Operator);
        var operatorB = await NodeB.LoginAs(DemoUser.Operator);
        Assert.False(await Covered(operatorB, "72500")); // node B now holds the zones, without this one

        using (var put = await operatorA.PutZone("mx-pue", AdminRequests.Zone("72000", "72999", name: "Puebla")))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var started = Stopwatch.StartNew();
        while (!await Covered(operatorB, "72500"))
        {
            Assert.True(started.Elapsed < Propagation, $"Node B did not see the new zone within {Propagation.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task After_a_lost_connection_a_node_forgets_what_it_held()
    {
        var operatorA = await nodeA.LoginAs(DemoUser.Operator);
        var shipper = await NewShipper(operatorA);
        var shipperB = await NodeB.LoginAs(shipper);
        using (var accepted = await shipperB.Integrate(Orders.Valid()))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        var changesB = NodeB.Services.GetRequiredService<ReferenceDataChanges>();
        var connections = changesB.Connections;
        await using (var connection = new NpgsqlConnection(nodeA.ConnectionString))
        {
            await connection.OpenAsync();

            // Every LISTEN connection drops; then a change that notifies nobody, as if its notification had been missed.
            await using var kill = new NpgsqlCommand(
                $"select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'listen {ReferenceDataChanges.Channel}'",
                connection);
            await kill.ExecuteNonQueryAsync();
            await using var suspend = new NpgsqlCommand(
                $"update {MartenStore.Schema}.mt_doc_organization set data = jsonb_set(data, '{{active}}', 'false') where id = @id", connection);
            suspend.Parameters.AddWithValue("id", shipper.OrganizationKey);
            Assert.Equal(1, await suspend.ExecuteNonQueryAsync());
        }

        var started = Stopwatch.StartNew();
        while (changesB.Connections == connections || !changesB.Listening)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "Node B did not reconnect.");
            await Task.Delay(20);
        }

        using var refused = await shipperB.Integrate(Orders.Valid());
        Assert.Equal("ACCOUNT_SUSPENDED", (await refused.AssertEnvelope(HttpStatusCode.Forbidden, "FORBIDDEN")).Error().Str("code"));
    }

    [Fact]
    public async Task The_second_identical_order_reads_no_reference_data_from_the_database()
    {
        var shipper = await nodeA.LoginAs(DemoUser.Shipper);
        using (var first = await shipper.Integrate(Orders.Valid()))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        var database = new NpgsqlConnectionStringBuilder(nodeA.ConnectionString).Database;
        var statements = new ConcurrentQueue<string>();

        // Only this request's statements (its trace, as behind a traced gateway): not the background workers' polls.
        var root = new Activity("order").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (Record(database, root.TraceId, statements))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/delivery-orders") { Content = Orders.Body(Orders.Valid()) };
            request.Headers.Add("traceparent", root.Id);
            using var second = await shipper.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        root.Stop();

        Assert.Contains(statements, s => s.Contains("mt_doc_shipmenttracking", StringComparison.Ordinal)); // the recording sees this order
        string[] referenceTables =
        [
            Table<Organization>(), Table<UserAccount>(), Table<ShipperContract>(), Table<CoverageZone>(), "mt_doc_webhook_subscription",
        ];
        Assert.DoesNotContain(statements, s => referenceTables.Any(t => s.Contains(t, StringComparison.Ordinal)));
    }

    private static string Table<T>() => $"mt_doc_{typeof(T).Name.ToLowerInvariant()}";

    /// <summary>The SQL that Npgsql runs against <paramref name="database"/> in trace <paramref name="trace"/> (its tracing activities) until disposed.</summary>
    private static ActivityListener Record(string? database, ActivityTraceId trace, ConcurrentQueue<string> statements)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == trace && Equals(activity.GetTagItem("db.name"), database) && activity.GetTagItem("db.statement") is string statement)
                {
                    statements.Enqueue(statement);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task<DemoUser> NewShipper(HttpClient operatorClient)
    {
        var key = AdminRequests.Unique("node");
        var email = $"integrations@{key}.mx";
        using var response = await operatorClient.CreateShipper(AdminRequests.NewShipper(key, email, Password));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new DemoUser(key, email, Password);
    }

    private static async Task<bool> Covered(HttpClient client, string postalCode)
    {
        using var response = await client.GetAsync($"/v1/coverage/mx/{postalCode}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Body()).GetProperty("data").GetProperty("covered").GetBoolean();
    }

    private static async Task<HttpResponseMessage> Eventually(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if (done(response))
            {
                return response;
            }

            response.Dispose();
            Assert.True(started.Elapsed < Propagation, $"The other node did not see the change within {Propagation.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }

    private static async Task Listening(ApiFactory node)
    {
        var changes = node.Services.GetRequiredService<ReferenceDataChanges>();
        var started = Stopwatch.StartNew();
        while (!changes.Listening)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "The node does not receive reference data notifications.");
            await Task.Delay(20);
        }
    }

    private sealed class SecondNode(string database) : ApiFactory(database);
}
