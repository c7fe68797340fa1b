namespace Cargamos.Sdk.Client.Models;

// Every error answer of the API is the Cargamos envelope, which the generated client throws as one of these exceptions
// (Kiota maps each documented error status to its schema). Here: what a caller reads first.

public partial class ErrorEnvelope
{
    /// <summary>The first error's code: <c>ALREADY_EXISTS</c>, <c>INVALID_PARAMETER</c>, ... (docs/errors.md).</summary>
    public string? Code => Errors is { Count: > 0 } errors ? errors[0].Code : null;

    /// <summary>Status, every error and the processId to quote to Cargamos.</summary>
    public string Describe() => CargamosErrors.Describe(ResponseStatusCode, Errors, ProcessId);
}

public partial class ProtocolErrorEnvelope
{
    /// <summary>The first error's code (<c>Code</c> is the protocol's own, e.g. <c>TRP0005E</c>).</summary>
    public string? ErrorCode => Errors is { Count: > 0 } errors ? errors[0].Code : null;

    /// <summary>Status, every error and the processId to quote to Cargamos.</summary>
    public string Describe() => CargamosErrors.Describe(ResponseStatusCode, Errors, ProcessId);
}

internal static class CargamosErrors
{
    public static string Describe(int status, List<ErrorItem>? errors, string? processId) =>
        $"{status} {string.Join("; ", (errors ?? []).Select(e => $"{e.Code} {e.Parameter}: {e.Details}".Replace(" :", ":", StringComparison.Ordinal)))} (processId {processId})";
}
