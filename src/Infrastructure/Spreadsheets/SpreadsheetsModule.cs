using Cargamos.Modular.Application.Spreadsheets;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>
/// The Spreadsheets module: options (section <c>Spreadsheets</c>), the file reader, the lot store and
/// the worker that processes uploaded lots.
/// </summary>
public static class SpreadsheetsModule
{
    public static IServiceCollection AddSpreadsheets(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IConfiguration>().GetSection(SpreadsheetOptions.Section).Get<SpreadsheetOptions>() ?? new SpreadsheetOptions();
            return options.MaxFileBytes > 0 && options.MaxRows > 0 && options.BatchSize > 0 && options.WriteConcurrency > 0 && options.Lease > TimeSpan.Zero && options.PollInterval > TimeSpan.Zero
                   && options.MaxUnzippedBytes > 0 && options.MaxWorkUnits > 0 && options.MaxSheetRows > options.MaxRows
                ? options
                : throw new InvalidOperationException("Spreadsheets: MaxFileBytes, MaxRows, BatchSize, WriteConcurrency, Lease, PollInterval, MaxUnzippedBytes " +
                                                      "and MaxWorkUnits must be positive, and MaxSheetRows above MaxRows.");
        });
        services.AddSingleton<ISpreadsheetFiles, SpreadsheetFiles>();
        services.AddSingleton<IntegrationLotSignal>();
        services.AddSingleton<IIntegrationLotSignal>(provider => provider.GetRequiredService<IntegrationLotSignal>());
        services.AddSingleton<IIntegrationLotStore, PostgresIntegrationLotStore>();
        services.AddScoped<IntegrationLotAccess>();
        services.AddScoped<IntegrationLotProcessor>();
        services.AddHostedService<IntegrationLotWorker>();
        return services;
    }
}
