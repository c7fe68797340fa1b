using System.Buffers;
using Marten;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>
/// Pooled memory for the JSON of one write's documents (a spreadsheet batch: about 4.6 KB per row, a third of what the
/// API process allocated per row): each document serialized into a rented chunk and handed to Npgsql as a slice of it
/// (<c>ReadOnlyMemory&lt;byte&gt;</c> elements of a <c>jsonb[]</c> parameter) instead of an array of its own. The
/// chunks go back to the pool on <see cref="Dispose"/>: only after the statements that read the slices have run.
/// Not thread-safe: one write, one thread at a time.
/// </summary>
internal sealed class JsonArena : IBufferWriter<byte>, IDisposable
{
    private const int ChunkBytes = 256 * 1024;
    private readonly List<byte[]> chunks = [];
    private byte[] current = [];
    private int start;
    private int written;

    /// <summary><paramref name="value"/> serialized by <paramref name="serializer"/>, contiguous in one chunk.</summary>
    public ReadOnlyMemory<byte> Write(ISerializer serializer, object value)
    {
        start = written;
        serializer.WriteTo(this, value);
        return current.AsMemory(start, written - start);
    }

    public void Advance(int count)
    {
        if (count < 0 || written + count > current.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return current.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return current.AsSpan(written);
    }

    /// <summary>Room for <paramref name="sizeHint"/> more bytes; the document begun so far moves to a new chunk when it must, so it stays contiguous.</summary>
    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (current.Length - written >= sizeHint)
        {
            return;
        }

        var begun = written - start;
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, 2 * (begun + sizeHint)));
        current.AsSpan(start, begun).CopyTo(next);
        chunks.Add(next);
        (current, start, written) = (next, 0, begun);
    }

    public void Dispose()
    {
        foreach (var chunk in chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        chunks.Clear();
        (current, start, written) = ([], 0, 0);
    }
}
