using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.LocalPostgres;

/// <summary>A folder holding the PostgreSQL server binaries initdb, pg_ctl and postgres.</summary>
internal sealed partial record PostgresBinaries(string BinDirectory, string MajorVersion, string FullVersion, string FoundBy)
{
    private static readonly string[] RequiredPrograms = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Path.Combine(BinDirectory, Exe("initdb"));

    public string PgCtl => Path.Combine(BinDirectory, Exe("pg_ctl"));

    /// <summary>
    /// Candidate bin folders, best first: <c>pg_config --bindir</c>, then initdb/pg_ctl on PATH, then Debian's
    /// <c>/usr/lib/postgresql/&lt;N&gt;/bin</c>, newest N first. What did not qualify is added to <paramref name="tried"/>.
    /// </summary>
    public static async Task<IReadOnlyList<PostgresBinaries>> FindAsync(List<string> tried, ILogger logger, CancellationToken ct)
    {
        var candidates = new List<(string Dir, string How)>();

        try
        {
            var r = await ProcessRunner.RunAsync("pg_config", ["--bindir"], runAs: null, TimeSpan.FromSeconds(15), ct);
            var dir = r.StandardOutput.Trim();
            if (r.ExitCode == 0 && dir.Length > 0)
            {
                candidates.Add((dir, "pg_config --bindir"));
            }
            else
            {
                tried.Add($"pg_config --bindir: exit code {r.ExitCode} {r.StandardError.Trim()}");
            }
        }
        catch (Win32Exception)
        {
            tried.Add("pg_config: not found on PATH (or not runnable)");
        }

        var pathDirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var onPath = false;
        foreach (var entry in pathDirs)
        {
            var initdb = Path.Combine(entry, Exe("initdb"));
            var pgCtl = Path.Combine(entry, Exe("pg_ctl"));
            if (File.Exists(initdb) || File.Exists(pgCtl))
            {
                onPath = true;
                candidates.Add((RealDirectoryOf(File.Exists(initdb) ? initdb : pgCtl), $"initdb/pg_ctl on PATH ({entry})"));
            }
        }

        if (!onPath)
        {
            tried.Add("initdb/pg_ctl: not found on PATH");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var versioned = Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseFolderVersion(Path.GetFileName(d))))
                .Where(x => x.Version is not null)
                .OrderByDescending(x => x.Version)
                .ToList();
            candidates.AddRange(versioned.Select(x => (x.Dir, $"{debianRoot}/<N>/bin")));
            if (versioned.Count == 0)
            {
                tried.Add($"{debianRoot}/<N>/bin: no versioned folders");
            }
        }
        else
        {
            tried.Add($"{debianRoot}/<N>/bin: {debianRoot} does not exist");
        }

        var found = new List<PostgresBinaries>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (dir, how) in candidates)
        {
            var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
            if (!seen.Add(full))
            {
                continue;
            }

            var missing = RequiredPrograms.Where(n => !File.Exists(Path.Combine(full, Exe(n)))).ToList();
            if (missing.Count > 0)
            {
                tried.Add($"{full} ({how}): no {string.Join(", ", missing)}");
                continue;
            }

            var version = await TryGetVersionAsync(full, ct);
            if (version is null)
            {
                tried.Add($"{full} ({how}): `pg_ctl --version` failed");
                continue;
            }

            found.Add(new PostgresBinaries(full, version.Value.Major, version.Value.Full, how));
        }

        if (found.Count > 0)
        {
            logger.LogDebug(
                "PostgreSQL server binaries found: {Folders}",
                string.Join("; ", found.Select(b => $"{b.BinDirectory} ({b.FullVersion}, {b.FoundBy})")));
        }
        else
        {
            tried.Add("PostgreSQL server binaries: none found (pg_config --bindir, initdb/pg_ctl on PATH, /usr/lib/postgresql/<N>/bin)");
        }

        return found;
    }

    internal static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static string RealDirectoryOf(string file)
    {
        try
        {
            var target = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true);
            return Path.GetDirectoryName(target?.FullName ?? file) ?? file;
        }
        catch (IOException)
        {
            return Path.GetDirectoryName(file) ?? file;
        }
    }

    private static Version? ParseFolderVersion(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            ? new Version(major, 0)
            : Version.TryParse(name, out var v) ? v : null;

    private static async Task<(string Major, string Full)?> TryGetVersionAsync(string binDirectory, CancellationToken ct)
    {
        try
        {
            var r = await ProcessRunner.RunAsync(Path.Combine(binDirectory, Exe("pg_ctl")), ["--version"], runAs: null, TimeSpan.FromSeconds(15), ct);
            var m = VersionPattern().Match(r.StandardOutput);
            if (r.ExitCode != 0 || !m.Success)
            {
                return null;
            }

            var major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var majorText = major >= 10 || !m.Groups[2].Success ? m.Groups[1].Value : $"{m.Groups[1].Value}.{m.Groups[2].Value}";
            return (majorText, m.Value.Replace("(PostgreSQL) ", "PostgreSQL ", StringComparison.Ordinal));
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionPattern();
}

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => string.Join(Environment.NewLine, new[] { StandardError.Trim(), StandardOutput.Trim() }.Where(s => s.Length > 0));
}

/// <summary>Runs short-lived helper processes (initdb, pg_ctl, chown), optionally as another OS user.</summary>
internal static class ProcessRunner
{
    private static readonly Lazy<bool> IsRootLazy = new(DetectRoot);

    /// <summary>Whether this process runs as root (effective uid 0) on a Unix system.</summary>
    public static bool IsRoot => IsRootLazy.Value;

    public static Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, TimeSpan timeout, CancellationToken ct) =>
        Task.Run(() => Run(fileName, arguments, runAs, timeout, ct), ct);

    /// <summary>
    /// Runs a process to its exit. Waits for the process to EXIT, not for its output to end: a server started by
    /// pg_ctl may inherit and keep the output pipes open. Throws <see cref="Win32Exception"/> when it cannot start.
    /// </summary>
    public static ProcessResult Run(string fileName, IReadOnlyList<string> arguments, string? runAs, TimeSpan timeout, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        if (!OperatingSystem.IsWindows())
        {
            // The folder of the caller may not be accessible to another user (e.g. /root).
            psi.WorkingDirectory = "/";
        }

        if (runAs is not null)
        {
            psi.UserName = runAs;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var stdoutDone = new ManualResetEventSlim();
        using var stderrDone = new ManualResetEventSlim();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(stdout, stdoutDone, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, stderrDone, e.Data);

        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using (ct.Register(() => TryKill(process)))
        {
            // A finite timeout makes WaitForExit return at exit without waiting for the output pipes to close.
            if (!process.WaitForExit(timeout))
            {
                TryKill(process);
                throw new TimeoutException($"`{fileName} {string.Join(' ', arguments)}` did not finish within {timeout.TotalSeconds:0} s.");
            }
        }

        ct.ThrowIfCancellationRequested();

        // Give the output readers a moment to drain; do not wait for pipes that a child keeps open.
        stdoutDone.Wait(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        stderrDone.Wait(TimeSpan.FromMilliseconds(500), CancellationToken.None);

        string outText, errText;
        lock (stdout)
        {
            outText = stdout.ToString();
        }

        lock (stderr)
        {
            errText = stderr.ToString();
        }

        return new ProcessResult(process.ExitCode, outText, errText);
    }

    private static void Append(StringBuilder target, ManualResetEventSlim done, string? line)
    {
        if (line is null)
        {
            done.Set();
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (Win32Exception)
        {
        }
    }

    private static bool DetectRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return NativeMethods.geteuid() == 0;
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }

        return string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
    }

    private static class NativeMethods
    {
        [DllImport("libc", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for nothing here.
        internal static extern uint geteuid();
#pragma warning restore SYSLIB1054
    }
}
