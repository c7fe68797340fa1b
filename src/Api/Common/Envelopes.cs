using Cargamos.Modular.Api.Errors;

namespace Cargamos.Modular.Api.Common;

/// <summary>
/// The Cargamos success envelope <c>{version, status, processId, timestamp, data}</c> as endpoint results, so no
/// endpoint group repeats it. <c>status</c> is the HTTP status name (OK, CREATED), like the error envelope's.
/// </summary>
public static class Envelopes
{
    public static IResult Ok<T>(HttpContext http, T data) => TypedResults.Ok(Wrap(http, 200, data));

    public static IResult Created<T>(HttpContext http, string location, T data) => TypedResults.Created(location, Wrap(http, 201, data));

    public static ApiEnvelope<T> Wrap<T>(HttpContext http, int status, T data) =>
        Wrap(ProcessId.Of(http), http.RequestServices.GetRequiredService<TimeProvider>(), status, data);

    /// <summary>The envelope outside a request (the operations commands print what the endpoints answer).</summary>
    public static ApiEnvelope<T> Wrap<T>(string processId, TimeProvider clock, int status, T data) =>
        new(StatusNames.ApiVersion, StatusNames.For(status), processId, clock.GetUtcNow().ToUnixTimeMilliseconds(), data);
}
