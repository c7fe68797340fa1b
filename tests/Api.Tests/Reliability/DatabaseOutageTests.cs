using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Cargamos.Modular.Api.Errors;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Cargamos.Modular.Api.Tests.Vtex;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Tests.Reliability;

/// <summary>An API whose PostgreSQL is reached through a <see cref="TcpProxy"/> the test can cut and restore.</summary>
public sealed class OutageApi : IAsyncLifetime
{
    private string? direct;

    public TcpProxy Proxy { get; private set; } = null!;

    /// <summary>The database itself, not through the proxy (another node that still reaches it).</summary>
    public string Direct => direct ?? throw new InvalidOperationException("Not initialized.");

    public ProxiedApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        direct = await TestPostgres.CreateDatabaseAsync("outage");
        var server = new NpgsqlConnectionStringBuilder(direct);
        Proxy = TcpProxy.Start(server.Host!, server.Port);
        Api = new ProxiedApiFactory(new NpgsqlConnectionStringBuilder(direct) { Port = Proxy.Port }.ConnectionString);
        await Api.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Proxy.DisposeAsync();
        if (direct is not null)
        {
            await TestPostgres.DropDatabaseAsync(direct);
        }
    }
}

public sealed class ProxiedApiFactory(string connectionString) : ApiFactory(connectionString)
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Logs { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs));

    private sealed class CapturingLoggerProvider(ConcurrentQueue<(string, LogLevel, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, logs);

        public void Dispose()
        {
        }
    }

    private sealed class Capturing(string category, ConcurrentQueue<(string, LogLevel, string)> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
            }
        }
    }
}

public sealed class DatabaseOutageTests(OutageApi outage) : IClassFixture<OutageApi>
{
    [Fact]
    public async Task While_the_database_is_down_requests_answer_503_with_retry_after_logged_once_and_serve_again_when_it_is_back()
    {
        var api = outage.Api;
        var shipper = await api.LoginAs(DemoUser.Shipper);
        var (_, trackingId) = await shipper.IntegrateOk();
        var refusedOrder = Orders.Unique("OUT");
        var carrier = await api.AsCarrier(CarrierClient.ServientregaKey);

        outage.Proxy.Down();
        try
        {
            foreach (var send in new Func<Task<HttpResponseMessage>>[]
                     {
                         () => shipper.Integrate(Orders.Valid(refusedOrder)),
                         () => shipper.Integrate(Orders.Valid(Orders.Unique("OUT"))),
                         () => shipper.GetAsync($"/v1/shipment-tracking/{trackingId}"),
                         () => shipper.GetAsync("/v1/shipments"),
                         () => carrier.Patch(CarrierClient.Servientrega, trackingId, CarrierClient.Status("PENDING")),
                     })
            {
                using var response = await send();
                var body = await response.AssertEnvelope(HttpStatusCode.ServiceUnavailable, "SERVICE_UNAVAILABLE");
                Assert.Equal("SERVICE_UNAVAILABLE", body.Error().Str("code"));
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            }

            using (var health = await api.CreateClient().GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            }

            // The recipient's tracking page answers with a page of its own, in the recipient's language, not the JSON envelope.
            using (var page = await api.CreateClient().GetAsync($"/t/{trackingId}?lang=en"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(2), page.Headers.RetryAfter?.Delta);
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                Assert.Equal("en", Assert.Single(page.Content.Headers.ContentLanguage));
                Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains("<h1>Tracking is not available right now</h1>", html, StringComparison.Ordinal);
                Assert.Contains("Please try again in 2 seconds.", html, StringComparison.Ordinal);
            }

            var outageLogs = api.Logs.Where(l => l.Category == typeof(DatabaseOutageLog).FullName).ToList();
            Assert.Single(outageLogs);
            Assert.DoesNotContain(api.Logs, l => l.Level >= LogLevel.Error && l.Category == typeof(CargamosExceptionHandler).FullName);
        }
        finally
        {
            outage.Proxy.Up();
        }

        // Back: served again without a restart (the first requests may still meet a connection the outage broke).
        HttpResponseMessage? created = null;
        await WaitFor(async () =>
        {
            created?.Dispose();
            created = await shipper.Integrate(Orders.Valid(refusedOrder));
            return created.StatusCode == HttpStatusCode.Created;
        }, "an order accepted again after the database came back");
        created!.Dispose();

        // Nothing refused during the outage was written: its shipperTrackingId was free for the order after it.
        using var tracking = await shipper.GetAsync($"/v1/shipment-tracking/{refusedOrder}");
        Assert.Equal(HttpStatusCode.OK, tracking.StatusCode);
        using var pageAgain = await api.CreateClient().GetAsync($"/t/{trackingId}?lang=en");
        Assert.Equal(HttpStatusCode.OK, pageAgain.StatusCode);
    }

    [Theory]
    [InlineData("57P03", true)] // the server is starting up
    [InlineData("53300", true)] // too many connections
    [InlineData("57P01", true)] // administrator shutdown (failover)
    [InlineData("08006", true)] // connection failure
    [InlineData("23505", false)] // a unique violation is the request's own
    [InlineData("40001", false)] // a serialization failure is retried or reported, not an outage
    [InlineData("42P01", false)] // a missing table is a bug
    public void Server_states_that_mean_unavailable(string sqlState, bool unavailable) =>
        Assert.Equal(unavailable, DatabaseUnavailability.Is(new PostgresException("message", "FATAL", "FATAL", sqlState)));

    [Fact]
    public void Refused_connections_and_timeouts_wrapped_by_marten_are_unavailability_and_bugs_are_not()
    {
        Assert.True(DatabaseUnavailability.Is(new InvalidOperationException("wrapped",
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.True(DatabaseUnavailability.Is(new TimeoutException("The connection pool has been exhausted")));
        Assert.False(DatabaseUnavailability.Is(new InvalidOperationException("a bug")));
        Assert.False(DatabaseUnavailability.Is(new ArgumentException("another bug", new FormatException())));
    }

    [Theory]
    [InlineData("Host=db;Database=cargamos", 2)]
    [InlineData("Host=db;Database=cargamos;Timeout=9", 9)]
    public void A_connection_that_cannot_be_opened_gives_up_after_2_s_unless_the_operator_says_otherwise(string given, int seconds) =>
        Assert.Equal(seconds, new NpgsqlConnectionStringBuilder(MartenStore.Tuned(given)).Timeout);

    private static async Task WaitFor(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}

/// <summary>The local clusters the scripts start (tests, bench, ./run.sh) do not trust TCP connections: the superuser needs its password.</summary>
public sealed class LocalClusterAuthenticationTests
{
    [Fact]
    public async Task A_tcp_connection_with_a_wrong_password_is_refused()
    {
        var server = await TestPostgres.GetServerAsync();
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false };
        if (server.Source != Cargamos.Modular.LocalPostgres.PostgresSource.LocalCluster)
        {
            return; // CARGAMOS_TEST_POSTGRES: a server someone else runs, with its own authentication
        }

        Assert.False(string.IsNullOrEmpty(builder.Password), "the local cluster's connection string carries its password");
        builder.Password = "not-the-password";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
        Assert.Equal("28P01", refused.SqlState); // invalid_password
    }
}
