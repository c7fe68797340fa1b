using System.Reflection;
using Cargamos.Modular.Api.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.DevHost;

/// <summary>
/// Runs the API for development: unless <c>ConnectionStrings:Postgres</c> is configured, provides the persistent local
/// cluster in the data folder (<c>.data/postgres</c>) with a <c>cargamos</c> database, then calls the API's own entry point
/// in this process with that connection string, environment Development and content root <c>src/Api</c>. Arguments after
/// these (e.g. <c>--urls</c>) go to the API and win.
/// </summary>
internal static class DevHostProgram
{
    private const string SolutionFile = "Cargamos.Modular.sln";

    public static async Task<int> Main(string[] args)
    {
        var contentRoot = Path.Combine(RepositoryRoot(), "src", "Api");
        var configuration = new ConfigurationBuilder()
            .SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile("appsettings.Development.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

        var settings = new List<(string Key, string Value)>
        {
            ("environment", "Development"),
            ("contentRoot", contentRoot),
            ("applicationName", typeof(Program).Assembly.GetName().Name!),
        };

        var command = CommandLine.IsCommand(args);
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
        {
            // A command's standard output is its answer (replay's JSON): the DevHost's own log lines go to standard error.
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = command ? LogLevel.Trace : o.LogToStandardErrorThreshold));
            var dataDirectory = DatabaseConnection.DataDirectory(configuration, contentRoot);
            var connectionString = await DevelopmentDatabase.ProvideAsync(configuration, dataDirectory, logs.CreateLogger("Cargamos.DevHost"));
            settings.Add((DatabaseConnection.Setting, connectionString));
        }

        if (command)
        {
            // `./run.sh <command>`: JasperFx reads every argument of a command as its own, so the settings go through
            // this process's environment (read by the API's WebApplication.CreateBuilder) and the arguments stay the user's.
            foreach (var (key, value) in settings)
            {
                // Host settings (environment, contentRoot, applicationName) as ASPNETCORE_*, the others as Section__Key.
                var name = key.Contains(':', StringComparison.Ordinal) ? key.Replace(":", "__", StringComparison.Ordinal) : $"ASPNETCORE_{key.ToUpperInvariant()}";
                Environment.SetEnvironmentVariable(name, value);
            }

            return await RunApiAsync(args);
        }

        return await RunApiAsync([.. settings.Select(s => $"--{s.Key}={s.Value}"), .. args]);
    }

    // The API's generated entry point, as `dotnet Cargamos.Modular.Api.dll` would run it (WebApplicationFactory does the same).
    private static async Task<int> RunApiAsync(string[] args)
    {
        var entryPoint = typeof(Program).Assembly.EntryPoint
            ?? throw new InvalidOperationException("The API assembly has no entry point.");
        var result = entryPoint.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [args], culture: null);
        switch (result)
        {
            case Task<int> withCode:
                return await withCode;
            case Task task:
                await task;
                return 0;
            case int code:
                return code;
            default:
                return 0;
        }
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"The DevHost runs from a clone of the repository: no {SolutionFile} above the current folder or the program.");
    }
}
