using System.Text;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Api.Common;

/// <summary>A JSON request body that is not valid UTF-8 (answered 400 INVALID_PARAMETER naming the byte).</summary>
public sealed class InvalidUtf8BodyException(long position, byte value)
    : Exception($"The request body is not valid UTF-8: byte 0x{value:X2} at position {position}.")
{
    public long Position { get; } = position;

    public byte Value { get; } = value;
}

/// <summary>
/// JSON must be UTF-8 (RFC 8259), and System.Text.Json does not check it inside property names: an invalid byte there
/// made the field silently unknown (absent). Every JSON request body is therefore checked as it is read, in one
/// streaming pass, before any field reaches a use case; sequences split across reads are followed.
/// </summary>
public static class Utf8Body
{
    public static IApplicationBuilder UseUtf8JsonBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.HasJsonContentType() && context.Request.ContentLength is not 0)
        {
            context.Request.Body = new Utf8ValidatingStream(context.Request.Body);
        }

        await next(context);
    });

    internal sealed class Utf8ValidatingStream(Stream inner) : ReadOnlyStream
    {
        private readonly Decoder decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        private readonly char[] scratch = new char[4096];
        private long position;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer) => Check(buffer[..inner.Read(buffer)]);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Check(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Check(ReadOnlySpan<byte> read)
        {
            var flush = read.IsEmpty; // the end: an unfinished sequence is invalid too
            var rest = read;
            do
            {
                try
                {
                    decoder.Convert(rest, scratch, flush, out var used, out _, out _);
                    rest = rest[used..];
                    position += used;
                }
                catch (DecoderFallbackException e)
                {
                    // Index is relative to this read; negative when the sequence began in an earlier one.
                    var bytes = e.BytesUnknown is { Length: > 0 } unknown ? unknown[0] : (byte)0;
                    throw new InvalidUtf8BodyException(Math.Max(0, position + e.Index), bytes);
                }
            }
            while (!rest.IsEmpty);

            return read.Length;
        }
    }
}
