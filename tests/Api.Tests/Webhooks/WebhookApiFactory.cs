using System.Globalization;
using System.Security.Cryptography;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Cargamos.Modular.Api.Tests.Webhooks;

/// <summary>
/// The API with webhook timings shortened for tests (poll 50 ms, retries after 50 ms to 1 s: ten attempts within about 4 s).
/// Unlike <see cref="ApiFactory"/>, it can run over an existing database (<see cref="OnDatabase"/>), so a second API process
/// can take over the outbox of a first one, or two run side by side; only the factory that created a database drops it.
/// </summary>
public class WebhookApiFactory : ApiFactory, IAsyncLifetime
{
    // One key for every host: a token from one API process is valid in another over the same database.
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    public static readonly TimeSpan[] TestSchedule =
    [
        TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300),
        TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(800),
        TimeSpan.FromSeconds(1),
    ];

    private readonly string? existingDatabase;
    private string? database;

    public WebhookApiFactory()
    {
    }

    private WebhookApiFactory(string existingDatabase) => this.existingDatabase = existingDatabase;

    /// <summary>Settings added to (or overriding) the test defaults, e.g. <c>Webhooks:DispatcherEnabled</c>.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    public new string ConnectionString => database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Another API process over the same database; call <see cref="StartAsync"/> on it, dispose it when done.</summary>
    public static WebhookApiFactory OnDatabase(string connectionString) => new(connectionString);

    public async Task StartAsync() => await ((IAsyncLifetime)this).InitializeAsync();

    async Task IAsyncLifetime.InitializeAsync()
    {
        database = existingDatabase ?? await TestPostgres.CreateDatabaseAsync("webhooks");
        _ = Server;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (existingDatabase is null && database is not null)
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Cargamos:SeedDemoData", "true");
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.050");
        for (var i = 0; i < TestSchedule.Length; i++)
        {
            builder.UseSetting($"Webhooks:RetrySchedule:{i}", TestSchedule[i].ToString("c", CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(ConfigureTestServices);
    }
}
