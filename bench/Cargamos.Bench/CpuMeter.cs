using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cargamos.Modular.Bench;

/// <summary>
/// CPU time spent during a run by this process (API, baseline and client) and by the bench's PostgreSQL cluster, and the
/// bytes this process allocated and its garbage collections (all generations) meanwhile.
/// </summary>
internal sealed record CpuUse(TimeSpan Process, TimeSpan Postgres, long Allocated, int Collections, TimeSpan GcPauses = default, int FullCollections = 0)
{
    public static CpuUse operator -(CpuUse after, CpuUse before) => new(after.Process - before.Process, after.Postgres - before.Postgres,
        after.Allocated - before.Allocated, after.Collections - before.Collections, after.GcPauses - before.GcPauses, after.FullCollections - before.FullCollections);

    /// <summary>The garbage collector's pauses during the run: "GC paused 120 ms (2 gen2)".</summary>
    public string Pauses => string.Create(CultureInfo.InvariantCulture, $"GC paused {GcPauses.TotalMilliseconds:N0} ms ({FullCollections} gen2)");

    /// <summary>Per call: "CPU 2.1 + PG 1.3 ms/req, 45 KB/req, 1.2 GCs/100 req".</summary>
    public string PerCall(int calls) => calls == 0 ? "" :
        string.Create(CultureInfo.InvariantCulture,
            $"CPU {Process.TotalMilliseconds / calls:0.00} + PG {Postgres.TotalMilliseconds / calls:0.00} ms/req, {Allocated / 1024.0 / calls:0} KB/req, " +
            $"{Collections * 100.0 / calls:0.0} GCs/100 req");
}

/// <summary>
/// Reads CPU time from /proc: this process, and the postmaster of the bench's cluster with all its children (backends,
/// and the time of children that already exited). Measured in CPU time rather than wall time, a request's cost is
/// meaningful even on a machine busy with other work. Where /proc or the postmaster cannot be read (e.g. a container
/// database), PostgreSQL's share reads as zero.
/// </summary>
internal sealed class CpuMeter(int? postmaster)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuMeter? Current { get; set; }

    public static async Task<CpuMeter> Create(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return new CpuMeter(Stat(backend) is { } stat ? int.Parse(stat[3], CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The CPU used since <paramref name="before"/> (a sample of <see cref="Current"/>), or null when not measured.</summary>
    public static CpuUse? Since(CpuUse? before) => before is not null && Current is { } meter ? meter.Sample() - before : null;

    public CpuUse Sample() => new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, PostgresTime(), GC.GetTotalAllocatedBytes(),
        GC.CollectionCount(0), GC.GetTotalPauseDuration(), GC.CollectionCount(2));

    private TimeSpan PostgresTime()
    {
        if (postmaster is not { } root || Stat(root) is not { } own)
        {
            return TimeSpan.Zero;
        }

        // utime, stime, and cutime, cstime (reaped children)
        double ticks = Field(own, 13) + Field(own, 14) + Field(own, 15) + Field(own, 16);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != root && Stat(pid) is { } stat && stat[3] == root.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Field(stat, 13) + Field(stat, 14);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static double Field(string[] stat, int index) => double.Parse(stat[index], CultureInfo.InvariantCulture);

    /// <summary>/proc/pid/stat split into fields (the command name, which may hold spaces, as one field), or null.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return [.. text[..text.IndexOf(' ')].Split(' '), text[(text.IndexOf('(') + 1)..close], .. text[(close + 2)..].Split(' ')];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
