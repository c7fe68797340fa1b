using Cargamos.Modular.Application.Common.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;

namespace Cargamos.Modular.Api.Tests.Infrastructure;

/// <summary>
/// Reads our instruments as an exporter would: a <see cref="MetricCollector{T}"/> over the meters of one meter factory only
/// (a host's, or a standalone one), so that the test hosts running at the same time do not count into each other.
/// </summary>
public static class TestMetrics
{
    /// <summary>What one API host records into <paramref name="instrument"/> from now on.</summary>
    public static MetricCollector<T> Collect<T>(this ApiFactory api, string instrument) where T : struct =>
        new(api.Services.GetRequiredService<IMeterFactory>(), CargamosMetrics.MeterName, instrument);

    /// <summary>Our instruments on a meter factory of their own, for a class tested without a host.</summary>
    public static (CargamosMetrics Metrics, IMeterFactory Factory) Standalone()
    {
        var factory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return (new CargamosMetrics(factory), factory);
    }

    /// <summary>The sum of what was recorded with every one of <paramref name="tags"/>.</summary>
    public static long Sum(this MetricCollector<long> collector, params (string Key, object? Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);
}
