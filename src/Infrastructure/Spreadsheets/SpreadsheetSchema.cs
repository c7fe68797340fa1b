using Cargamos.Modular.Application.Spreadsheets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Infrastructure.Spreadsheets;

/// <summary>Spreadsheet uploads: their lots, files and row results are integration lots (<see cref="Integration.IntegrationLotSchema"/>).</summary>
public static class SpreadsheetSchema
{
    /// <summary>
    /// Everything spreadsheet integration needs: options (section <c>Spreadsheets</c>), the adapters and the lot processor.
    /// </summary>
    public static IServiceCollection AddSpreadsheetIntegration(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IConfiguration>().GetSection(SpreadsheetOptions.Section).Get<SpreadsheetOptions>() ?? new SpreadsheetOptions();
            return options.MaxFileBytes > 0 && options.MaxRows > 0 && options.BatchSize > 0 && options.WriteConcurrency > 0 && options.Lease > TimeSpan.Zero && options.PollInterval > TimeSpan.Zero
                ? options
                : throw new InvalidOperationException("Spreadsheets: MaxFileBytes, MaxRows, BatchSize, WriteConcurrency, Lease and PollInterval must be positive.");
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
