namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>Configuration section <c>Spreadsheets</c>: upload limits and the lot processor.</summary>
internal sealed class SpreadsheetOptions
{
    public const string Section = "Spreadsheets";

    /// <summary>Largest file accepted (bytes); beyond it 413. Default 20 MB.</summary>
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Most data rows accepted in one file; beyond it 413. Default 100,000.</summary>
    public int MaxRows { get; set; } = 100_000;

    /// <summary>
    /// The last row the first sheet of a workbook may reach, blank rows included (a reader walks every row up to the
    /// last one); beyond it 413. Must be above <see cref="MaxRows"/>. Default 200,000.
    /// </summary>
    public int MaxSheetRows { get; set; } = 200_000;

    /// <summary>Most bytes the parts of a workbook may unzip to, all together; beyond it 413. Default 200 MB.</summary>
    public long MaxUnzippedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>
    /// Most reading work an upload may cost before it is refused (413): one unit per XML node and attribute of the
    /// workbook parts read, plus one per cell position walked in the first sheet (its rows up to the last one, blank
    /// ones included, times its columns up to the last one); for a CSV one per record and field. A full 100,000-row
    /// workbook of every template column costs about 22 million. Default 50,000,000.
    /// </summary>
    public long MaxWorkUnits { get; set; } = 50_000_000;

    /// <summary>The limits an upload's inspection enforces.</summary>
    public SpreadsheetLimits Limits => new(MaxRows, MaxSheetRows, MaxUnzippedBytes, MaxWorkUnits);

    /// <summary>Rows written per transaction (their shipments, their results and the lot's progress).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Batches of one lot written at the same time (each its own transaction), while the next batch is checked.</summary>
    public int WriteConcurrency { get; set; } = 2;

    /// <summary>Runs the lot processor in this process (an instance may only serve the API).</summary>
    public bool ProcessorEnabled { get; set; } = true;

    /// <summary>How often the processor looks for lots when no upload of this process woke it up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a processor owns a lot without committing a batch. A lot whose processor died is taken over by another
    /// (or by the restarted one) once its lease has expired.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Claims of one lot after which it is FAILED instead of tried again (each crash or error is one claim).</summary>
    public int MaxAttempts { get; set; } = 5;
}
