using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cargamos.Modular.LocalPostgres;

/// <summary>
/// Local PostgreSQL clusters run from the server binaries with initdb / pg_ctl, listening on 127.0.0.1 only
/// (trust authentication) plus a private unix socket folder. As root, the server runs as the <c>postgres</c> OS user.
/// </summary>
internal static class LocalCluster
{
    internal const string ServerOsUser = "postgres";
    internal const string Superuser = "postgres";
    internal const string ThrowawayFolderName = "cargamos-pg";
    internal const string OwnerFileName = "owner.pid";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The OS user to run initdb / pg_ctl as: <c>postgres</c> when this process is root, otherwise the current user.</summary>
    private static string? RunAs => ProcessRunner.IsRoot ? ServerOsUser : null;

    public static string ThrowawayRoot => Path.Combine(Path.GetTempPath(), ThrowawayFolderName);

    /// <summary>initdb refuses root: as root, a <c>postgres</c> OS user must exist to run the server.</summary>
    public static async Task<bool> CanRunServerAsync(List<string> tried, CancellationToken ct)
    {
        if (!ProcessRunner.IsRoot)
        {
            return true;
        }

        try
        {
            var r = await ProcessRunner.RunAsync("id", ["-u", ServerOsUser], runAs: null, TimeSpan.FromSeconds(10), ct);
            if (r.ExitCode == 0)
            {
                return true;
            }
        }
        catch (Win32Exception)
        {
            if (File.Exists("/etc/passwd") &&
                (await File.ReadAllLinesAsync("/etc/passwd", ct)).Any(l => l.StartsWith(ServerOsUser + ":", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        tried.Add($"local cluster: this process runs as root (initdb refuses root) and there is no '{ServerOsUser}' OS user to run the server as");
        return false;
    }

    // ---------------------------------------------------------------- throwaway

    public static async Task<ProvisionedPostgres> StartThrowawayAsync(
        PostgresBinaries bins, int? port, IReadOnlyList<string> extraSettings, ILogger logger, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var root = ThrowawayRoot;
        EnsureThrowawayRoot(root, logger);
        SweepOrphans(root, bins, logger);

        var folder = Path.Combine(root, $"{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(folder);
        TrySetMode(folder, "755");
        var ownerLock = CreateOwnerFile(Path.Combine(folder, OwnerFileName));

        var dataDir = Path.Combine(folder, "data");
        var socketDir = Path.Combine(folder, "socket");
        var cluster = new ThrowawayCluster(bins, folder, dataDir, ownerLock, logger);
        cluster.RegisterExitHandlers();
        StartWatchdog(folder, logger);
        try
        {
            logger.LogInformation("PostgreSQL: creating a throwaway local cluster in {Folder} (PostgreSQL {Version} binaries at {BinDirectory})",
                folder, bins.MajorVersion, bins.BinDirectory);
            WarnIfParentsNotTraversable(folder, logger);
            await PrepareServerDirectoriesAsync([dataDir, socketDir], ct);
            var password = NewPassword();
            await InitDbAsync(bins, dataDir, sync: false, password, ct);

            string[] settings =
            [
                "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300", .. extraSettings,
            ];
            var chosenPort = port ?? GetFreePort();
            for (var attempt = 1; ; attempt++)
            {
                var result = await PgCtlStartAsync(bins, dataDir, SocketDirectoryOrNone(socketDir), chosenPort, settings, ct);
                if (result.ExitCode == 0)
                {
                    break;
                }

                var log = Tail(ServerLogOf(dataDir));
                if (port is null && attempt < 3 && IsPortClash(log))
                {
                    logger.LogDebug("PostgreSQL: port {Port} was taken meanwhile; retrying with another one", chosenPort);
                    chosenPort = GetFreePort();
                    continue;
                }

                throw StartFailed(dataDir, result, log);
            }

            var provisioned = new ProvisionedPostgres(
                BuildConnectionString(chosenPort, password),
                PostgresSource.LocalCluster,
                $"throwaway local cluster {folder} on 127.0.0.1:{chosenPort} (PostgreSQL {bins.MajorVersion} binaries at {bins.BinDirectory})",
                () => new ValueTask(Task.Run(() => cluster.Cleanup(immediate: false))));
            logger.LogInformation("PostgreSQL: using {Description}, ready in {Elapsed} ms", provisioned.Description, stopwatch.ElapsedMilliseconds);
            return provisioned;
        }
        catch
        {
            cluster.Cleanup(immediate: true);
            throw;
        }
    }

    private static void EnsureThrowawayRoot(string root, ILogger logger)
    {
        if (Directory.Exists(root))
        {
            return;
        }

        Directory.CreateDirectory(root);
        // Like /tmp: everybody may create their clusters here (the postgres user must traverse it).
        if (!TrySetMode(root, "1777"))
        {
            logger.LogDebug("PostgreSQL: could not set mode 1777 on {Folder}", root);
        }
    }

    /// <summary>
    /// Starts a detached shell (its own session, re-parented to init) that waits until this process releases its lock
    /// on owner.pid (at dispose, or when the process dies, even by kill -9 or when vstest kills testhost 100 ms after the
    /// run) and then, if the folder is still there, shuts the server down (SIGQUIT = immediate) and deletes the folder.
    /// </summary>
    private static void StartWatchdog(string folder, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const string watchdog = """
            d="$1"; owner="$2"
            if command -v flock >/dev/null 2>&1; then
              flock -x "$d/owner.pid" true 2>/dev/null
            else
              while kill -0 "$owner" 2>/dev/null; do sleep 1; done
            fi
            [ -d "$d" ] || exit 0
            if [ -f "$d/data/postmaster.pid" ]; then
              pm=$(head -n 1 "$d/data/postmaster.pid" 2>/dev/null)
              comm=$(cat "/proc/$pm/comm" 2>/dev/null || ps -o comm= -p "$pm" 2>/dev/null)
              case "$comm" in
                *postgres*)
                  kill -QUIT "$pm" 2>/dev/null
                  i=0
                  while kill -0 "$pm" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i+1)); done
                  ;;
              esac
            fi
            rm -rf "$d"
            """;
        const string launcher =
            """
            if command -v setsid >/dev/null 2>&1; then
              setsid /bin/sh -c "$0" cargamos-pg-watchdog "$1" "$2" </dev/null >/dev/null 2>&1 &
            else
              /bin/sh -c "$0" cargamos-pg-watchdog "$1" "$2" </dev/null >/dev/null 2>&1 &
            fi
            """;
        try
        {
            var r = ProcessRunner.Run(
                "/bin/sh",
                ["-c", launcher, watchdog, folder, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
                runAs: null,
                TimeSpan.FromSeconds(10));
            if (r.ExitCode != 0)
            {
                logger.LogWarning("PostgreSQL: could not start the cleanup watchdog for {Folder}: {Output}", folder, r.Output);
            }
        }
        catch (Exception ex) when (ex is Win32Exception or TimeoutException)
        {
            logger.LogWarning("PostgreSQL: could not start the cleanup watchdog for {Folder}: {Error}", folder, ex.Message);
        }
    }

    /// <summary>Stops and deletes throwaway clusters whose owner process is gone (e.g. a test run killed with kill -9).</summary>
    internal static void SweepOrphans(string root, PostgresBinaries? bins, ILogger logger)
    {
        IEnumerable<string> folders;
        try
        {
            folders = Directory.EnumerateDirectories(root).ToList();
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in folders)
        {
            try
            {
                var reason = OrphanReason(folder);
                if (reason is null)
                {
                    continue;
                }

                logger.LogInformation("PostgreSQL: removing orphaned throwaway cluster {Folder} ({Reason})", folder, reason);
                StopQuietly(bins, Path.Combine(folder, "data"), immediate: true);
                DeleteFolder(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Win32Exception or TimeoutException)
            {
                logger.LogWarning("PostgreSQL: could not remove orphaned throwaway cluster {Folder}: {Error}", folder, ex.Message);
            }
        }
    }

    /// <summary>
    /// The owner file holds the owner's pid and stays open (with a shared lock) while the owner lives; the kernel
    /// drops the lock when the owner dies, even by kill -9.
    /// </summary>
    private static FileStream CreateOwnerFile(string path)
    {
        // FileShare.Read takes a shared flock on Unix: others may read the pid but cannot lock the file exclusively.
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
            stream.Flush(flushToDisk: false);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Why the throwaway cluster in <paramref name="folder"/> is an orphan, or null when its owner may still live.</summary>
    private static string? OrphanReason(string folder)
    {
        var ownerFile = Path.Combine(folder, OwnerFileName);
        if (!File.Exists(ownerFile))
        {
            // A folder being created right now has no owner file for a few milliseconds.
            return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > TimeSpan.FromMinutes(1) ? "no owner file" : null;
        }

        string text;
        try
        {
            // An exclusive lock is refused while the owner holds its shared lock.
            using var probe = new FileStream(ownerFile, FileMode.Open, FileAccess.Read, FileShare.None);
            using var reader = new StreamReader(probe, Encoding.ASCII);
            text = reader.ReadToEnd().Trim();
        }
        catch (IOException)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return DateTime.UtcNow - File.GetLastWriteTimeUtc(ownerFile) > TimeSpan.FromMinutes(1) ? "unreadable owner file" : null;
        }

        // Both must agree (the lock alone is not enough where file locking is disabled).
        return IsProcessAlive(pid) ? null : $"owner process {pid} is gone";
    }

    private static bool IsProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        if (IsZombie(pid))
        {
            // Killed but not yet reaped by its parent (e.g. an init process that reaps lazily).
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
            if (!OperatingSystem.IsLinux() || !File.Exists(stat))
            {
                return false;
            }

            // "pid (comm) S ...": the state follows the last ')'.
            var text = File.ReadAllText(stat);
            var end = text.LastIndexOf(')');
            return end >= 0 && end + 2 < text.Length && text[end + 2] is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A throwaway cluster: stopped and deleted on dispose, at process exit, or on Ctrl+C, whichever comes first.</summary>
    private sealed class ThrowawayCluster(PostgresBinaries bins, string folder, string dataDir, FileStream ownerLock, ILogger logger)
    {
        private int _cleaned;
        private EventHandler? _onExit;
        private ConsoleCancelEventHandler? _onCancel;

        public void RegisterExitHandlers()
        {
            // Immediate shutdown at exit: the data is thrown away anyway, and a test host may be killed soon after.
            _onExit = (_, _) => Cleanup(immediate: true);
            _onCancel = (_, _) => Cleanup(immediate: true);
            AppDomain.CurrentDomain.ProcessExit += _onExit;
            try
            {
                Console.CancelKeyPress += _onCancel;
            }
            catch (PlatformNotSupportedException)
            {
                _onCancel = null;
            }
        }

        public void Cleanup(bool immediate)
        {
            if (Interlocked.Exchange(ref _cleaned, 1) != 0)
            {
                return;
            }

            if (_onExit is not null)
            {
                AppDomain.CurrentDomain.ProcessExit -= _onExit;
            }

            if (_onCancel is not null)
            {
                Console.CancelKeyPress -= _onCancel;
            }

            try
            {
                StopQuietly(bins, dataDir, immediate);
                // Delete first, then release the lock: the watchdog wakes up on the release and finds nothing left to do.
                DeleteFolder(folder);
                SafeLog(() => logger.LogDebug("PostgreSQL: throwaway cluster {Folder} stopped and deleted", folder));
            }
            catch (Exception ex)
            {
                SafeLog(() => logger.LogWarning("PostgreSQL: could not remove throwaway cluster {Folder}: {Error}", folder, ex.Message));
            }
            finally
            {
                ownerLock.Dispose();
            }
        }

        private static void SafeLog(Action log)
        {
            try
            {
                log();
            }
            catch (ObjectDisposedException)
            {
                // Logging providers may already be disposed at process exit.
            }
        }
    }

    // ---------------------------------------------------------------- persistent

    public static async Task<ProvisionedPostgres> StartPersistentAsync(
        IReadOnlyList<PostgresBinaries> candidates, string dataDirectory, int? preferredPort, ILogger logger, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var dataDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        var parent = Path.GetDirectoryName(dataDir) ?? dataDir;
        var portFile = Path.Combine(parent, Path.GetFileName(dataDir) + ".port");
        var passwordFile = Path.Combine(parent, Path.GetFileName(dataDir) + ".password");
        var versionFile = Path.Combine(dataDir, "PG_VERSION");
        var dataVersion = File.Exists(versionFile) ? (await File.ReadAllTextAsync(versionFile, ct)).Trim() : null;

        var bins = dataVersion is null
            ? candidates[0]
            : candidates.FirstOrDefault(c => c.MajorVersion == dataVersion)
              ?? throw new InvalidOperationException(
                  $"The PostgreSQL data folder {dataDir} was created by PostgreSQL {dataVersion}, but only these server binaries were found: " +
                  string.Join(", ", candidates.Select(c => $"PostgreSQL {c.MajorVersion} at {c.BinDirectory}")) +
                  $". Install PostgreSQL {dataVersion} server binaries, or delete {dataDir} to start over with an empty database.");
        string Describe(int port, string state) =>
            $"persistent local cluster {dataDir} on 127.0.0.1:{port}{state} (PostgreSQL {bins.MajorVersion} binaries at {bins.BinDirectory})";

        // A cluster created before passwords were set has none (and trusts 127.0.0.1, as it always did).
        var password = dataVersion is not null && File.Exists(passwordFile) ? (await File.ReadAllTextAsync(passwordFile, ct)).Trim() : null;
        if (dataVersion is not null)
        {
            var running = await TryReuseRunningAsync(bins, dataDir, portFile, password, preferredPort, logger, ct);
            if (running is not null)
            {
                var reused = new ProvisionedPostgres(BuildConnectionString(running.Value, password), PostgresSource.LocalCluster, Describe(running.Value, ", already running"), release: null);
                logger.LogInformation("PostgreSQL: using {Description}", reused.Description);
                return reused;
            }
        }
        else
        {
            if (Directory.Exists(dataDir) && Directory.EnumerateFileSystemEntries(dataDir).Any())
            {
                throw new InvalidOperationException(
                    $"The folder {dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION file). Delete it or choose another data folder.");
            }

            logger.LogInformation("PostgreSQL: creating a persistent local cluster in {DataDirectory} (PostgreSQL {Version} binaries at {BinDirectory})",
                dataDir, bins.MajorVersion, bins.BinDirectory);
            WarnIfParentsNotTraversable(dataDir, logger);
            await PrepareServerDirectoriesAsync([dataDir], ct);
            password = NewPassword();
            WriteOwnerOnly(passwordFile, password);
            await InitDbAsync(bins, dataDir, sync: true, password, ct);
        }

        int chosenPort;
        if (preferredPort is not null)
        {
            chosenPort = preferredPort.Value;
        }
        else if (ReadPortFile(portFile) is { } remembered && IsPortFree(remembered))
        {
            chosenPort = remembered;
        }
        else
        {
            chosenPort = GetFreePort();
            if (ReadPortFile(portFile) is { } busy)
            {
                logger.LogWarning("PostgreSQL: remembered port {Port} is taken by another program; using port {NewPort}", busy, chosenPort);
            }
        }

        logger.LogInformation("PostgreSQL: starting the persistent local cluster in {DataDirectory} on 127.0.0.1:{Port}", dataDir, chosenPort);
        string[] settings = ["max_connections=300"];
        var result = await PgCtlStartAsync(bins, dataDir, SocketDirectoryOrNone(dataDir), chosenPort, settings, ct);
        if (result.ExitCode != 0)
        {
            // Another process may have started it at the same moment.
            var running = await TryReuseRunningAsync(bins, dataDir, portFile, password, preferredPort, logger, ct);
            if (running is not null)
            {
                return new ProvisionedPostgres(BuildConnectionString(running.Value, password), PostgresSource.LocalCluster, Describe(running.Value, ", already running"), release: null);
            }

            throw StartFailed(dataDir, result, Tail(ServerLogOf(dataDir)));
        }

        await WritePortFileAsync(portFile, chosenPort, logger);
        var provisioned = new ProvisionedPostgres(BuildConnectionString(chosenPort, password), PostgresSource.LocalCluster, Describe(chosenPort, string.Empty), release: null);
        logger.LogInformation(
            "PostgreSQL: using {Description}, ready in {Elapsed} ms; it keeps running after this process exits (stop it with: {StopCommand})",
            provisioned.Description, stopwatch.ElapsedMilliseconds, StopCommand(bins, dataDir));
        return provisioned;
    }

    private static async Task<int?> TryReuseRunningAsync(
        PostgresBinaries bins, string dataDir, string portFile, string? password, int? preferredPort, ILogger logger, CancellationToken ct)
    {
        var status = await ProcessRunner.RunAsync(bins.PgCtl, ["status", "-D", dataDir], RunAs, CommandTimeout, ct);
        if (status.ExitCode != 0)
        {
            logger.LogDebug("PostgreSQL: pg_ctl status for {DataDirectory}: exit code {ExitCode} {Output}", dataDir, status.ExitCode, status.Output);
            return null;
        }

        var port = ReadPortFromPidFile(dataDir) ?? ReadPortFile(portFile)
            ?? throw new InvalidOperationException(
                $"A PostgreSQL server is running on {dataDir} but its port is unknown (no port in postmaster.pid, no {portFile}). Stop it with `{StopCommand(bins, dataDir)}` and retry.");
        if (preferredPort is not null && preferredPort != port)
        {
            logger.LogWarning(
                "PostgreSQL: the cluster in {DataDirectory} already runs on port {Port}, not on the configured port {PreferredPort}; using {Port}. Stop it to change the port.",
                dataDir, port, preferredPort, port);
        }

        var connectionString = BuildConnectionString(port, password);
        try
        {
            var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 };
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or SocketException)
        {
            throw new InvalidOperationException(
                $"A PostgreSQL server is running on {dataDir} (port {port}) but does not accept connections as '{Superuser}' on 127.0.0.1:{port}: {ex.Message}. " +
                $"Stop it with `{StopCommand(bins, dataDir)}` and retry.", ex);
        }

        await WritePortFileAsync(portFile, port, logger);
        return port;
    }

    private static int? ReadPortFromPidFile(string dataDir)
    {
        // postmaster.pid: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length >= 4 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? ReadPortFile(string portFile)
    {
        try
        {
            return File.Exists(portFile)
                   && int.TryParse(File.ReadAllText(portFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                   && port is > 0 and < 65536
                ? port
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task WritePortFileAsync(string portFile, int port, ILogger logger)
    {
        try
        {
            if (ReadPortFile(portFile) != port)
            {
                await File.WriteAllTextAsync(portFile, port.ToString(CultureInfo.InvariantCulture) + "\n");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("PostgreSQL: could not remember the port in {PortFile}: {Error}", portFile, ex.Message);
        }
    }

    // ---------------------------------------------------------------- shared

    /// <summary>
    /// TCP connections (127.0.0.1) need the superuser's password (SCRAM-SHA-256); only the cluster's private unix socket
    /// folder trusts its local users. The password reaches initdb through a file that exists for the command only.
    /// </summary>
    private static async Task InitDbAsync(PostgresBinaries bins, string dataDir, bool sync, string password, CancellationToken ct)
    {
        var passwordFile = Path.Combine(Path.GetTempPath(), $"cargamos-initdb-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");
        await File.WriteAllTextAsync(passwordFile, password + "\n", ct);
        TrySetMode(passwordFile, "644"); // readable by the server's OS user (postgres) while initdb runs, deleted right after
        try
        {
            var args = new List<string>
            {
                "-D", dataDir, "-U", Superuser, "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C",
            };
            if (!sync)
            {
                args.Add("--no-sync");
            }

            var result = await ProcessRunner.RunAsync(bins.InitDb, args, RunAs, CommandTimeout, ct);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"initdb failed (exit code {result.ExitCode}) for {dataDir}{RootHint(dataDir)}:{Environment.NewLine}{result.Output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>A file only its owner may read (0600): the development cluster's password next to its data folder.</summary>
    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(content + "\n");
    }

    private static Task<ProcessResult> PgCtlStartAsync(
        PostgresBinaries bins, string dataDir, string socketDir, int port, IEnumerable<string> settings, CancellationToken ct)
    {
        var serverOptions = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"-p {port} -h 127.0.0.1 -k {ShellQuote(socketDir)}");
        foreach (var setting in settings)
        {
            serverOptions.Append(" -c ").Append(setting);
        }

        // -w: return when the server accepts connections; -s: only errors on pg_ctl's own output.
        // The server's output goes to the log file, so nothing keeps our pipes open.
        return ProcessRunner.RunAsync(
            bins.PgCtl,
            ["-D", dataDir, "-l", ServerLogOf(dataDir), "-w", "-t", "60", "-s", "-o", serverOptions.ToString(), "start"],
            RunAs,
            CommandTimeout,
            ct);
    }

    /// <summary>Stops a cluster if it looks running; ignores errors; kills the postmaster when pg_ctl cannot stop it.</summary>
    private static void StopQuietly(PostgresBinaries? bins, string dataDir, bool immediate)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        if (bins is not null)
        {
            try
            {
                var r = ProcessRunner.Run(bins.PgCtl, ["stop", "-D", dataDir, "-m", immediate ? "immediate" : "fast", "-w", "-t", "30", "-s"], RunAs, CommandTimeout);
                if (r.ExitCode == 0 || !File.Exists(pidFile))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is Win32Exception or TimeoutException)
            {
            }
        }

        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                if (string.Equals(postmaster.ProcessName, "postgres", StringComparison.Ordinal))
                {
                    postmaster.Kill();
                    postmaster.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception or IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void DeleteFolder(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(100 * attempt);
            }
        }
    }

    /// <summary>Creates the folders (mode 0700) and, as root, gives them to the postgres OS user.</summary>
    private static async Task PrepareServerDirectoriesAsync(IReadOnlyList<string> paths, CancellationToken ct)
    {
        foreach (var path in paths)
        {
            Directory.CreateDirectory(path);
            TrySetMode(path, "700");
        }

        if (ProcessRunner.IsRoot)
        {
            var r = await ProcessRunner.RunAsync("chown", [ServerOsUser, .. paths], runAs: null, TimeSpan.FromSeconds(30), ct);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"chown {ServerOsUser} {string.Join(' ', paths)} failed (exit code {r.ExitCode}): {r.Output}");
            }
        }
    }

    private static bool TrySetMode(string path, string octal)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octal, 8));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void WarnIfParentsNotTraversable(string path, ILogger logger)
    {
        if (OperatingSystem.IsWindows() || !ProcessRunner.IsRoot)
        {
            return;
        }

        for (var dir = Directory.GetParent(path); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                logger.LogWarning(
                    "PostgreSQL: folder {Folder} (mode {Mode}) may not be traversable by the '{User}' OS user that runs the server; if initdb/pg_ctl fail with 'Permission denied', choose a data folder elsewhere or run `chmod o+x {Folder}`",
                    dir.FullName, Convert.ToString((int)dir.UnixFileMode, 8), ServerOsUser, dir.FullName);
                return;
            }
        }
    }

    /// <summary>The shell command that stops a cluster by hand (pg_ctl refuses to run as root).</summary>
    internal static string StopCommand(PostgresBinaries bins, string dataDir) =>
        (ProcessRunner.IsRoot ? $"runuser -u {ServerOsUser} -- " : string.Empty) + $"{bins.PgCtl} stop -m fast -D {dataDir}";

    private static string RootHint(string dataDir) =>
        ProcessRunner.IsRoot
            ? $" (run as the '{ServerOsUser}' OS user because this process is root; that user must be able to traverse every parent folder of {dataDir})"
            : string.Empty;

    private static InvalidOperationException StartFailed(string dataDir, ProcessResult result, string logTail) =>
        new($"pg_ctl start failed (exit code {result.ExitCode}) for {dataDir}{RootHint(dataDir)}:{Environment.NewLine}" +
            (result.Output.Length > 0 ? result.Output + Environment.NewLine : string.Empty) +
            $"--- last lines of {ServerLogOf(dataDir)} ---{Environment.NewLine}{logTail}");

    private static bool IsPortClash(string log) =>
        log.Contains("could not bind", StringComparison.OrdinalIgnoreCase)
        || log.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
        || log.Contains("could not create any TCP/IP sockets", StringComparison.OrdinalIgnoreCase);

    private static string ServerLogOf(string dataDir) => Path.Combine(dataDir, "server.log");

    private static string Tail(string file, int maxLines = 30)
    {
        try
        {
            if (!File.Exists(file))
            {
                return "(no log file)";
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 16_384), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Length - maxLines)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"(log file unreadable: {ex.Message})";
        }
    }

    /// <summary>The unix socket folder, or "" (no unix socket) when the socket path would be too long for the OS.</summary>
    private static string SocketDirectoryOrNone(string socketDir) =>
        OperatingSystem.IsWindows() || Encoding.UTF8.GetByteCount(socketDir) + "/.s.PGSQL.65535".Length >= 100 ? string.Empty : socketDir;

    private static string ShellQuote(string value) =>
        OperatingSystem.IsWindows()
            ? "\"" + value + "\""
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    internal static string BuildConnectionString(int port, string? password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = password,
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 100,
            IncludeErrorDetail = true,
        }.ConnectionString;

    internal static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
