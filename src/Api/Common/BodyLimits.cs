using System.Globalization;
using Cargamos.Modular.Infrastructure.Common;
using Microsoft.AspNetCore.Http.Features;

namespace Cargamos.Modular.Api.Common;

/// <summary>Endpoint metadata: the endpoint bounds its request body itself (the spreadsheet upload, with its file limit).</summary>
public sealed class OwnBodyLimit;

/// <summary>
/// Every request body is bounded before it is read: <c>Api:MaxBodyBytes</c> (256 KB by default, far above any JSON
/// request, far below Kestrel's 30 MB) unless the endpoint bounds it itself (<see cref="OwnBodyLimit"/>). A declared
/// <c>Content-Length</c> above the limit is refused with 413 PAYLOAD_TOO_LARGE before a byte is read; a chunked body is cut
/// off, with the same answer, as soon as it passes the limit. An 11 MB body never reaches the JSON parser.
/// </summary>
public static class BodyLimits
{
    public const long DefaultMaxBytes = 256 * 1024;

    public static TBuilder WithOwnBodyLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnBodyLimit());

    /// <summary>The limit in effect: <c>Api:MaxBodyBytes</c>, else <see cref="DefaultMaxBytes"/>.</summary>
    public static long MaxBytes(IConfiguration configuration) => configuration.GetValue<long?>("Api:MaxBodyBytes") ?? DefaultMaxBytes;

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app, long maxBytes) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is null)
        {
            if (context.Request.ContentLength > maxBytes)
            {
                throw TooLarge(maxBytes, context.Request.ContentLength);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = maxBytes;
            }

            if (context.Request.ContentLength is null)
            {
                context.Request.Body = new LimitedStream(context.Request.Body, maxBytes);
            }
        }

        await next(context);
    });

    /// <summary>
    /// What a 413 says when the body passed the limit while the framework read it (minimal APIs answer that 413 without
    /// rethrowing, so the envelope writer asks here).
    /// </summary>
    public static string Describe(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is null
            ? Details(MaxBytes(context.RequestServices.GetRequiredService<IConfiguration>()), null)
            : "The request body is longer than this endpoint accepts.";

    private static BadHttpRequestException TooLarge(long maxBytes, long? length) => new(Details(maxBytes, length), StatusCodes.Status413PayloadTooLarge);

    private static string Details(long maxBytes, long? length) => string.Create(CultureInfo.InvariantCulture,
        $"The request body {(length is { } l ? $"is {l:N0} bytes" : "is longer than the limit")}; this endpoint accepts at most {maxBytes:N0} bytes.");

    /// <summary>A body without Content-Length, refused as soon as it passes the limit.</summary>
    private sealed class LimitedStream(Stream inner, long maxBytes) : ReadOnlyStream
    {
        private long read;

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int bytes)
        {
            read += bytes;
            return read > maxBytes ? throw TooLarge(maxBytes, null) : bytes;
        }
    }
}
