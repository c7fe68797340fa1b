using System.Text.RegularExpressions;
using Cargamos.Modular.Infrastructure.Common;
using JasperFx;
using Microsoft.Extensions.Logging.Console;
using Spectre.Console;

// Our own commands (replay) live in this assembly, which is not the entry assembly when ./run.sh's DevHost runs the API.
[assembly: JasperFxAssembly]

namespace Cargamos.Modular.Api.Hosting;

/// <summary>
/// The API's operations command line (docs/operations.md): when the first argument is a command word, the API does
/// not serve HTTP but runs that command through Marten's JasperFx command line (<c>db-apply</c>, <c>db-assert</c>,
/// <c>describe</c>, <c>projections</c>, <c>help</c>, … and our <c>replay</c>) with its own configuration and services, none of
/// its hosted services started. Anything else, no argument, arguments that start with <c>-</c> (the settings
/// <c>./run.sh</c>, <c>--production</c> and <c>WebApplicationFactory</c> pass) or a <c>Key=value</c> setting first
/// (<c>Urls=http://0.0.0.0:8080</c>), or <c>run</c>, serves HTTP as always:
/// JasperFx would read those settings as flags of its own and refuse them.
/// </summary>
public static partial class CommandLine
{
    /// <summary>Commands whose standard output is data (JSON): JasperFx's own messages go to standard error.</summary>
    private static readonly string[] DataCommands = ["replay"];

    // `run` serves HTTP here, never through JasperFx: a command's caller is the command line's auditor
    // (CommandLineCaller), which must never answer an HTTP request.
    public static bool IsCommand(IReadOnlyList<string> args) =>
        args.Count > 0 && !args[0].StartsWith('-') && !args[0].Contains('=') && args[0] != "run";

    /// <summary>During a command every log line goes to standard error, keeping standard output for what it prints.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, bool command)
    {
        logging.AddConsole();
        if (command)
        {
            logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
    }

    /// <summary>Serves HTTP, or runs the command and returns its exit code (0 when it succeeded).</summary>
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (!IsCommand(args))
        {
            await app.RunAsync();
            return 0;
        }

        if (DataCommands.Contains(args[0], StringComparer.OrdinalIgnoreCase))
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        }

        if (args[0] == "describe")
        {
            HideSecrets(app.Configuration);
        }

        if (DatabaseCommand(args[0]) && await Unreachable(app, args[0]) is { } unreachable)
        {
            await Console.Error.WriteLineAsync(unreachable);
            return DatabaseUnavailableExitCode;
        }

        // The optionsFile overload: the other one serves HTTP instead when it sees --urls anywhere in the arguments.
        return await app.RunJasperFxCommands(Normalize(args), optionsFile: null);
    }

    /// <summary>The exit code of a database command when the database cannot be reached (sysexits' EX_UNAVAILABLE): retry later.</summary>
    public const int DatabaseUnavailableExitCode = 69;

    /// <summary>Commands that read or change the database (replay answers an outage in its own envelope).</summary>
    private static bool DatabaseCommand(string command) =>
        command.StartsWith("db-", StringComparison.OrdinalIgnoreCase) || command.Equals("projections", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One connection opened before a database command runs (the pool's 2 s connect timeout): when the database cannot be
    /// reached (<see cref="DatabaseUnavailability"/>) the operator gets one line saying so instead of a stack trace from the
    /// middle of the command, and nothing has been started. Null when it answers, or fails otherwise (the command reports that).
    /// </summary>
    private static async Task<string?> Unreachable(WebApplication app, string command)
    {
        await using var connection = app.Services.GetRequiredService<Marten.IDocumentStore>().Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync();
            return null;
        }
        catch (Exception e) when (DatabaseUnavailability.Is(e))
        {
            var target = new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString);
            return $"{command}: the database cannot be reached ({target.Host}:{target.Port}, database {target.Database}): " +
                   $"{e.GetBaseException().Message} Nothing was run or changed; retry when it answers (exit code {DatabaseUnavailableExitCode}).";
        }
    }

    /// <summary>
    /// JasperFx's <c>describe</c> prints every configuration value with where it came from, the environment included:
    /// the connection string's password and the token signing key would end up in a terminal or a CI log. By then
    /// everything that needs them has read them (the store, the key ring, the token settings), so the configuration's
    /// secrets (by name, or a value holding a password) are replaced where they are set.
    /// </summary>
    internal static void HideSecrets(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (var (key, value) in root.AsEnumerable().ToList())
        {
            if (value is not null && (SecretName().IsMatch(key) || SecretValue().IsMatch(value)))
            {
                foreach (var provider in root.Providers.Where(p => p.TryGet(key, out _)))
                {
                    provider.Set(key, Hidden);
                }
            }
        }
    }

    public const string Hidden = "(hidden)";

    // HEADERS: OTEL_EXPORTER_OTLP_HEADERS carries the telemetry backend's key (docs/operations.md#telemetry).
    [GeneratedRegex("password|secret|token|key|credential|connectionstring|headers|authorization", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>A value that holds a credential whatever its setting is called: <c>password=</c>, <c>api-key=</c>, <c>token=</c>, <c>Bearer …</c>.</summary>
    [GeneratedRegex(@"password=|key=|token=|secret=|bearer\s", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    /// <summary>
    /// Marten 9 spells a rebuild <c>projections rebuild</c> (an argument); <c>projections --rebuild</c>, the spelling of
    /// earlier Marten versions and of our issue tracker, means the same.
    /// </summary>
    private static string[] Normalize(string[] args) =>
        args[0] == "projections" ? args.Select(a => a == "--rebuild" ? "rebuild" : a).ToArray() : args;
}
