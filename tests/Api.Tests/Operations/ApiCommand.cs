using System.Diagnostics;
using System.Security.Cryptography;

namespace Cargamos.Modular.Api.Tests.Operations;

/// <summary>
/// Runs the built API as an operator runs an operations command (<c>dotnet Cargamos.Modular.Api.dll &lt;command&gt;</c>,
/// docs/operations.md): a process of its own over a database given through the environment, its output captured.
/// </summary>
public static class ApiCommand
{
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Errors}";
    }

    public static Task<Result> RunAsync(string connectionString, params string[] args) =>
        RunAsync(connectionString, new Dictionary<string, string>(), args);

    /// <summary>With <paramref name="environment"/> added to the process's environment.</summary>
    public static async Task<Result> RunAsync(string connectionString, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // The test project's output holds the API's assembly, its runtimeconfig and deps files: the build under test.
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(folder, "Cargamos.Modular.Api.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Auth__SigningKey"] = SigningKey;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', args)}` did not finish within 3 minutes.");
        }

        return new Result(process.ExitCode, await output, await errors);
    }
}
