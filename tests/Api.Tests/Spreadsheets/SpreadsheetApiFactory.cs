using Cargamos.Modular.Api.Tests.Infrastructure;

namespace Cargamos.Modular.Api.Tests.Spreadsheets;

/// <summary>
/// The API with spreadsheet settings for tests (small batches, a short lease, fast polling). <see cref="OnDatabase"/> runs
/// another API process over the same database, so it can resume the lots a first one left.
/// </summary>
public class SpreadsheetApiFactory : ApiFactory
{
    public SpreadsheetApiFactory() => UseTestSettings();

    protected SpreadsheetApiFactory(string existingDatabase)
        : base(existingDatabase) => UseTestSettings();

    protected override string DatabasePrefix => "spreadsheets";

    /// <summary>Another API process over the same database; call <see cref="ApiFactory.StartAsync"/> on it, dispose it when done.</summary>
    public static SpreadsheetApiFactory OnDatabase(string connectionString) => new(connectionString);

    private void UseTestSettings()
    {
        Settings["Spreadsheets:BatchSize"] = "3";
        Settings["Spreadsheets:PollInterval"] = "00:00:00.100";
        Settings["Spreadsheets:Lease"] = "00:00:01";
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
