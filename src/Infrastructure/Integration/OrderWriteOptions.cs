namespace Cargamos.Modular.Infrastructure.Integration;

/// <summary>
/// How single orders (API orders) are written together (<c>Integration:*</c>; docs/adr/004-group-commit.md): at most
/// <see cref="Writers"/> groups in flight at once, each of at most <see cref="MaxOrdersPerCommit"/> orders.
/// </summary>
public sealed class OrderWriteOptions
{
    public const string Section = "Integration";

    /// <summary>
    /// Groups written at once (connections busy with order writes): one per two cores by default. On the 2-core machine one
    /// writer and two wrote about as many orders at concurrency 8 (855 and 751 orders/s in one pair of runs, 1,233 and 1,312
    /// in a longer pair), one with less PostgreSQL CPU per order (bigger groups).
    /// </summary>
    public int Writers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The most orders one group writes (one statement per table for all of them).</summary>
    public int MaxOrdersPerCommit { get; set; } = 64;
}
