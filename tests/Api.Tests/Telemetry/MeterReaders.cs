using System.Reflection;
using OpenTelemetry.Metrics;

namespace Cargamos.Modular.Api.Tests.Telemetry;

/// <summary>
/// The exporters behind a meter provider, by type name. The SDK does not list them publicly: this reads its reader (a
/// composite when there are several) and each reader's exporter by reflection. <c>OtlpExportTests</c> checks that it
/// finds the OTLP exporter when one is configured, so a change of the SDK's internals cannot make the absence check vacuous.
/// </summary>
internal static class MeterReaders
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static IReadOnlyList<string> Exporters(MeterProvider provider)
    {
        var reader = Member(provider, "Reader");
        return Readers(reader).Select(r => (Member(r, "exporter") ?? Member(r, "Exporter") ?? r).GetType().Name).ToList();
    }

    // A composite reader keeps its readers in a linked list (Head, each node's Value and Next).
    private static IEnumerable<object> Readers(object? reader)
    {
        if (reader is null)
        {
            yield break;
        }

        if (Member(reader, "Head") is not { } node)
        {
            yield return reader;
            yield break;
        }

        for (; node is not null; node = Member(node, "Next"))
        {
            if (Member(node, "Value") is { } value)
            {
                yield return value;
            }
        }
    }

    private static object? Member(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField(name, Instance) is { } field)
            {
                return field.GetValue(target);
            }

            if (type.GetProperty(name, Instance) is { } property)
            {
                return property.GetValue(target);
            }
        }

        return null;
    }
}
