using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Domain.Common;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>Reads and writes spreadsheet files (CSV and XLSX).</summary>
internal interface ISpreadsheetFiles
{
    /// <summary>
    /// Recognizes the format by content, reads the header and counts the data rows, within <paramref name="limits"/>' work
    /// and stopping when <paramref name="cancellationToken"/> is cancelled (the client went away). Throws only
    /// <see cref="AppError"/> (or <see cref="OperationCanceledException"/>), whatever the bytes: 415 for a file that is not
    /// a CSV in UTF-8 nor a readable XLSX workbook (damaged, truncated, encrypted, with macros), 400 for an empty file, a
    /// missing header, unknown, repeated or missing required columns, no data rows, or a CSV that cannot be read, 413 beyond
    /// the limits' rows, sheet rows, unzipped bytes or work.
    /// </summary>
    SpreadsheetInspection Inspect(ReadOnlyMemory<byte> content, SpreadsheetLimits limits, CancellationToken cancellationToken);

    /// <summary>The non-empty data rows of an inspected file, lazily, in file order.</summary>
    IEnumerable<SpreadsheetRow> Rows(ReadOnlyMemory<byte> content, SpreadsheetLayout layout);

    /// <summary>
    /// The same rows read from <paramref name="content"/> as they are needed: a CSV is never held whole (an XLSX workbook,
    /// a zip read from its end, is).
    /// </summary>
    IEnumerable<SpreadsheetRow> Rows(Stream content, SpreadsheetLayout layout);

    /// <summary>A file with the header (every column) and one row of <paramref name="example"/> values; an XLSX adds a sheet describing the columns.</summary>
    byte[] Template(SpreadsheetFormat format, IReadOnlyList<object?> example);
}

/// <summary>A lot as the upload records it, before any row is processed.</summary>
internal sealed record NewIntegrationLot(
    long LotId, string ShipperId, string FileName, SpreadsheetLayout Layout, int TotalRows, string FileSha256, Actor UploadedBy, string ProcessId,
    DateTimeOffset CreatedAt);

/// <summary>A lot a processor owns until <see cref="IIntegrationLotStore.ClaimNext"/>'s lease expires (renewed by every batch it commits).</summary>
internal sealed record ClaimedLot(IntegrationLot Lot, SpreadsheetLayout Layout, string FileSha256, Actor UploadedBy, string ProcessId, int Attempts, string Owner);

/// <summary>
/// Integration lots (every source: a lot of one from the API or VTEX is written with its shipment by
/// <see cref="IShipmentCreator.Create"/>), and a spreadsheet lot's file, progress and per-row results (PostgreSQL).
/// </summary>
internal interface IIntegrationLotStore
{
    /// <summary>Stores the file and the lot (RECEIVED) in one transaction.</summary>
    Task Create(NewIntegrationLot lot, ReadOnlyMemory<byte> content, CancellationToken ct);

    Task<IntegrationLot?> Get(long lotId, CancellationToken ct);

    /// <summary>
    /// Spreadsheet (FILE) lots newest first, below <paramref name="beforeLotId"/>; all shippers' when <paramref name="shipperId"/> is null.
    /// Lots of one (API, VTEX) are read by id only: one per order, they would bury the uploads.
    /// </summary>
    Task<IReadOnlyList<IntegrationLot>> List(string? shipperId, long? beforeLotId, int limit, CancellationToken ct);

    Task<IReadOnlyList<LotRowResult>> Results(long lotId, int afterRow, int limit, CancellationToken ct);

    /// <summary>
    /// Takes the oldest RECEIVED lot, or a PROCESSING one whose lease expired (its processor died), for <paramref name="owner"/>
    /// until now + <paramref name="lease"/>; null when there is none.
    /// </summary>
    Task<ClaimedLot?> ClaimNext(string owner, TimeSpan lease, CancellationToken ct);

    /// <summary>The lot's file, read from the database as the stream is read (dispose it to let the connection go).</summary>
    Task<Stream> OpenFile(long lotId, CancellationToken ct);

    /// <summary>The rows of a lot that have a result (committed batches): a resumed lot skips them.</summary>
    Task<HashSet<int>> ProcessedRows(long lotId, CancellationToken ct);

    /// <summary>
    /// Gives a lot up at once: its lease ends now, so another processor or this one resumes it. <paramref name="countAttempt"/>
    /// false (shutdown, the database unavailable, the lease lost) takes back the attempt its claim counted: only errors of the
    /// lot itself count toward <c>MaxAttempts</c>.
    /// </summary>
    Task Release(ClaimedLot lot, bool countAttempt, CancellationToken ct);

    /// <summary>
    /// At shutdown: gives back, without counting the attempt, every lot <paramref name="owner"/> still holds, also one whose
    /// claim committed while the shutdown cancelled reading its answer.
    /// </summary>
    Task ReleaseOwned(string owner, CancellationToken ct);

    /// <summary>Ends a lot (COMPLETED or FAILED) if <paramref name="lot"/>'s owner still holds it.</summary>
    Task Finish(ClaimedLot lot, string status, IReadOnlyList<ErrorDetail>? errors, CancellationToken ct);
}

/// <summary>Wakes this process's lot processor when a lot was uploaded.</summary>
internal interface IIntegrationLotSignal
{
    void Notify();
}
