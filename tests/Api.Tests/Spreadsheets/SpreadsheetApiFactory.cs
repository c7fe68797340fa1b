using System.Security.Cryptography;
using Cargamos.Modular.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// The API with spreadsheet settings for tests (small batches, a short lease, fast polling). Unlike <see cref="ApiFactory"/> it
/// can run over an existing database (<see cref="OnDatabase"/>), so a second API process can resume the lots a first one left;
/// only the factory that created a database drops it.
/// </summary>
public class SpreadsheetApiFactory : ApiFactory, IAsyncLifetime
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    private readonly string? existingDatabase;
    private string? database;

    public SpreadsheetApiFactory()
    {
    }

    protected SpreadsheetApiFactory(string existingDatabase) => this.existingDatabase = existingDatabase;

    /// <summary>Settings added to (or overriding) the test defaults, e.g. <c>Spreadsheets:BatchSize</c>.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Spreadsheets:BatchSize"] = "3",
        ["Spreadsheets:PollInterval"] = "00:00:00.100",
        ["Spreadsheets:Lease"] = "00:00:01",
    };

    public new string ConnectionString => database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Another API process over the same database; call <see cref="StartAsync"/> on it, dispose it when done.</summary>
    public static SpreadsheetApiFactory OnDatabase(string connectionString) => new(connectionString);

    public async Task StartAsync() => await ((IAsyncLifetime)this).InitializeAsync();

    async Task IAsyncLifetime.InitializeAsync()
    {
        database = existingDatabase ?? await TestPostgres.CreateDatabaseAsync("spreadsheets");
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
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(ConfigureTestServices);
    }
}

/// <summary>Small limits: 4 KB and 5 rows per file.</summary>
public sealed class SmallLimitsApiFactory : SpreadsheetApiFactory
{
    public SmallLimitsApiFactory()
    {
        Settings["Spreadsheets:MaxFileBytes"] = "4096";
        Settings["Spreadsheets:MaxRows"] = "5";
    }
}

/// <summary>A lease of 10 minutes: a lot that fails a batch is not retried within a test.</summary>
public sealed class LongLeaseApiFactory : SpreadsheetApiFactory
{
    public LongLeaseApiFactory() => Settings["Spreadsheets:Lease"] = "00:10:00";
}
