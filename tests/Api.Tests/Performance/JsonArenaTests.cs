using System.Text;
using Cargamos.Modular.Infrastructure.Common;
using Marten.Services;

namespace Cargamos.Modular.Api.Tests.Performance;

/// <summary>
/// <see cref="JsonArena"/> on its own: every document's slice holds exactly what the serializer writes for it alone,
/// when documents fill a chunk and the one being written moves to the next, and when one is larger than a chunk.
/// </summary>
public sealed class JsonArenaTests
{
    private static readonly SystemTextJsonSerializer Serializer = new();

    private sealed record Doc(int Number, string Text);

    [Fact]
    public void Each_slice_is_its_document_as_serialized_alone_across_chunk_boundaries_and_past_the_chunk_size()
    {
        var random = new Random(11);
        var documents = Enumerable.Range(0, 2_000)
            .Select(i => new Doc(i, new string('ñ', random.Next(0, 1_500)) + (i % 500 == 7 ? new string('x', 600_000) : "")))
            .ToList();

        using var arena = new JsonArena();
        var slices = documents.Select(d => arena.Write(Serializer, d)).ToList();

        for (var i = 0; i < documents.Count; i++)
        {
            Assert.Equal(Serializer.ToJson(documents[i]), Encoding.UTF8.GetString(slices[i].Span));
        }

        // Several chunks were used: each of the four large documents needed one of its own size (the writer asks room for its
        // worst case, six bytes per character), the documents after it filled the rest.
        var chunks = slices.Select(s => System.Runtime.InteropServices.MemoryMarshal.TryGetArray(s, out var segment) ? segment.Array : null).Distinct().Count();
        Assert.True(chunks >= 4, $"{chunks} chunks");
    }

    [Fact]
    public void After_dispose_the_arena_starts_over_empty()
    {
        var arena = new JsonArena();
        var first = arena.Write(Serializer, new Doc(1, "uno"));
        Assert.Equal("""{"Number":1,"Text":"uno"}""", Encoding.UTF8.GetString(first.Span));
        arena.Dispose();

        var second = arena.Write(Serializer, new Doc(2, "dos"));
        Assert.Equal("""{"Number":2,"Text":"dos"}""", Encoding.UTF8.GetString(second.Span));
        arena.Dispose();
    }
}
