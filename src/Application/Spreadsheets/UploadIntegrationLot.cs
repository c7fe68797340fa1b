using System.Security.Cryptography;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Ports;
using Mediator;
using Cargamos.Modular.Application.ReferenceData.Contracts;
using Cargamos.Modular.Application.Integration.Contracts;

namespace Cargamos.Modular.Application.Spreadsheets;

/// <summary>
/// Accepts a spreadsheet of delivery orders: layer 1 (the shipper is authorized) now, the file recognized, its header
/// checked and its rows counted, then the file and the lot are stored before the answer; the rows are processed
/// afterwards by <see cref="IntegrationLotProcessor"/>.
/// </summary>
internal sealed record UploadIntegrationLot(string FileName, ReadOnlyMemory<byte> Content) : ICommand<AcceptedLot>, IShipperRequest;

internal sealed record AcceptedLot(long LotId, string Status, int TotalRows);

/// <summary>
/// Asked before the upload's body is read: only an authorized shipper (role, organization active, contract valid; the
/// pipeline's layer 1) may make the server read a file of up to <c>Spreadsheets:MaxFileBytes</c>.
/// </summary>
internal sealed record MayUploadLot : IQuery<bool>, IShipperRequest;

internal sealed class MayUploadLotHandler : IQueryHandler<MayUploadLot, bool>
{
    public ValueTask<bool> Handle(MayUploadLot query, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

internal sealed class UploadIntegrationLotHandler(
    AuthorizedShipper shipper,
    ISpreadsheetFiles files,
    IIntegrationLots lotIds,
    IIntegrationLotStore lots,
    IIntegrationLotSignal signal,
    ICaller caller,
    SpreadsheetOptions options,
    TimeProvider clock) : ICommandHandler<UploadIntegrationLot, AcceptedLot>
{
    public async ValueTask<AcceptedLot> Handle(UploadIntegrationLot command, CancellationToken cancellationToken)
    {
        if (command.Content.Length > options.MaxFileBytes)
        {
            throw SpreadsheetErrors.FileTooLarge(options.MaxFileBytes);
        }

        var inspection = files.Inspect(command.Content, options.Limits, cancellationToken);
        var lotId = await lotIds.NextId(cancellationToken);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(command.Content.Span));
        await lots.Create(new NewIntegrationLot(lotId, shipper.Organization.Id, command.FileName, inspection.Layout, inspection.TotalRows, sha256,
            caller.Actor, caller.ProcessId, clock.GetUtcNow()), command.Content, cancellationToken);
        signal.Notify();
        return new AcceptedLot(lotId, LotStatuses.Received, inspection.TotalRows);
    }
}

/// <summary>The errors of an upload, in the Cargamos envelope (parameter <c>file</c>, or the column's name).</summary>
internal static class SpreadsheetErrors
{
    public const string FileParameter = "file";

    public static AppError FileTooLarge(long maxBytes) =>
        new(ErrorKind.PayloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.",
            $"The file is larger than {maxBytes:N0} bytes, the most one upload may carry: split it into several files.", FileParameter);

    public static AppError TooManyRows(int rows, int maxRows) =>
        new(ErrorKind.PayloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.",
            $"The file has more than {maxRows:N0} rows{(rows > maxRows ? $" ({rows:N0} at least)" : "")}, the most one upload may carry: split it into several files.", FileParameter);

    /// <summary>413: a workbook or CSV whose reading would cost more than the limits allow (<see cref="SpreadsheetLimits"/>).</summary>
    public static AppError TooMuchWork(string details) =>
        new(ErrorKind.PayloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.", details, FileParameter);

    public static AppError NotASpreadsheet(string details) =>
        new(ErrorKind.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "The file is not a supported spreadsheet.", details, FileParameter);

    public static AppError Invalid(string details, string parameter = FileParameter) =>
        new(ErrorKind.BadRequest, "INVALID_PARAMETER", ValidationErrors.InvalidParameterMessage, details, parameter);

    public static AppError Missing(string details, string parameter = FileParameter) =>
        new(ErrorKind.BadRequest, "MISSING_PARAMETER", ValidationErrors.MissingParameterMessage, details, parameter);
}
