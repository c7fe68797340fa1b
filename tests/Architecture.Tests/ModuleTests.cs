using System.Reflection;

namespace Cargamos.Modular.Architecture.Tests;

/// <summary>
/// The module rules (docs/architecture.md), read from the compiled assemblies in the spirit of
/// kgrzybek/modular-monolith-with-ddd's ModuleTests: a module is a folder of the same name in every layer; it uses another
/// module only through that module's contracts (its domain model, <c>Cargamos.Modular.Domain.&lt;Module&gt;</c>,
/// <c>Cargamos.Modular.Application.&lt;Module&gt;.Contracts</c>, and storage it shares in
/// <c>Cargamos.Modular.Infrastructure.&lt;Module&gt;.Contracts</c>) and only where <see cref="Modules"/> allows it; shared
/// folders serve every module and use none.
/// </summary>
public sealed class ModuleTests
{
    /// <summary>Every module, and the modules whose contracts it may use. A new module must be added here.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Modules = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Access"] = [],
        ["ReferenceData"] = ["Access"],
        ["Shipments"] = [],
        ["Integration"] = ["Access", "ReferenceData", "Shipments"],
        ["Spreadsheets"] = ["Access", "Integration", "ReferenceData", "Shipments"],
        ["Vtex"] = ["Access", "Integration", "ReferenceData", "Shipments"],
        ["Webhooks"] = ["Access", "Shipments"],
        ["TrackingPage"] = ["ReferenceData", "Shipments", "Vtex"],
    };

    /// <summary>Folders every module may use, which use no module themselves.</summary>
    private static readonly string[] Shared = ["Common", "Errors", "Hosting"];

    private static readonly string[] Layers = ["Domain", "Application", "Infrastructure", "Api"];

    private static readonly Lazy<IReadOnlyList<(string Type, HashSet<string> Uses)>> AllTypes = new(Load);

    public static TheoryData<string> ModuleNames => new(Modules.Keys);

    [Fact]
    public void Every_folder_of_every_layer_is_a_declared_module_or_a_shared_folder()
    {
        var unknown = AllTypes.Value
            .Select(t => Segment(t.Type))
            .OfType<string>()
            .Where(s => !Modules.ContainsKey(s) && !Shared.Contains(s))
            .Distinct()
            .ToList();
        Assert.True(unknown.Count == 0,
            $"Folders that are neither a module of ModuleTests.Modules nor shared: {string.Join(", ", unknown)}. Declare the new module and what it may use.");
    }

    [Fact]
    public void Every_declared_module_exists()
    {
        var present = AllTypes.Value.Select(t => Segment(t.Type)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.All(Modules.Keys, m => Assert.Contains(m, present));
    }

    [Fact]
    public void The_module_table_names_only_declared_modules_and_has_no_cycle()
    {
        foreach (var (module, uses) in Modules)
        {
            Assert.All(uses, u => Assert.True(Modules.ContainsKey(u), $"{module} names an unknown module {u}"));
            Assert.DoesNotContain(module, Reachable(module));
        }

        static HashSet<string> Reachable(string from)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>(Modules[from]);
            while (queue.TryDequeue(out var next))
            {
                if (seen.Add(next))
                {
                    foreach (var n in Modules[next])
                    {
                        queue.Enqueue(n);
                    }
                }
            }

            return seen;
        }
    }

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void A_module_uses_other_modules_only_through_their_contracts_and_only_where_allowed(string module)
    {
        var violations = new List<string>();
        foreach (var (type, uses) in AllTypes.Value.Where(t => Segment(t.Type) == module))
        {
            foreach (var used in uses)
            {
                var other = Segment(used);
                if (other is null || other == module || !Modules.ContainsKey(other))
                {
                    continue;
                }

                if (!Modules[module].Contains(other))
                {
                    violations.Add($"{type} -> {used} ({module} may not use {other})");
                }
                else if (!IsContract(used, other))
                {
                    violations.Add($"{type} -> {used} (not in {other}'s contracts)");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Shared_folders_use_no_module()
    {
        var violations = AllTypes.Value
            .Where(t => Segment(t.Type) is { } s && Shared.Contains(s))
            .SelectMany(t => t.Uses.Where(u => Segment(u) is { } m && Modules.ContainsKey(m)).Select(u => $"{t.Type} -> {u}"))
            .ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Outside_its_contracts_a_module_keeps_its_application_types_internal()
    {
        var exposed = typeof(Application.Common.Errors.AppError).Assembly.GetTypes()
            .Where(t => t is { IsPublic: true } && Segment(t.FullName!) is { } s && Modules.ContainsKey(s) && !IsContract(t.FullName!, s))
            .Select(t => t.FullName!)
            .ToList();
        Assert.True(exposed.Count == 0, $"Public outside a Contracts folder: {string.Join(", ", exposed)}");
    }

    [Fact]
    public void The_dependency_reader_sees_what_a_type_uses()
    {
        // Guards the guard: if the reader missed method bodies or signatures, every rule above would pass vacuously.
        var store = AllTypes.Value.Single(t => t.Type == "Cargamos.Modular.Infrastructure.Shipments.MartenShipmentStore");
        Assert.Contains("Cargamos.Modular.Domain.Shipments.Shipment", store.Uses);
        Assert.Contains("Cargamos.Modular.Application.Shipments.Contracts.IShipmentStore", store.Uses);
        Assert.Contains("Marten.IDocumentSession", store.Uses);
    }

    /// <summary>The module or shared folder of one of our types (the namespace segment after the layer); null for other types and layer roots.</summary>
    private static string? Segment(string fullName)
    {
        const string prefix = "Cargamos.Modular.";
        if (!fullName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = fullName[prefix.Length..].Split('.');
        return parts.Length >= 3 && Layers.Contains(parts[0]) ? parts[1] : null;
    }

    private static bool IsContract(string fullName, string module) =>
        fullName.StartsWith($"Cargamos.Modular.Domain.{module}.", StringComparison.Ordinal)
        || fullName.StartsWith($"Cargamos.Modular.Application.{module}.Contracts.", StringComparison.Ordinal)
        || fullName.StartsWith($"Cargamos.Modular.Infrastructure.{module}.Contracts.", StringComparison.Ordinal);

    private static IReadOnlyList<(string Type, HashSet<string> Uses)> Load() =>
        new[]
        {
            typeof(Domain.Shipments.Shipment).Assembly,
            typeof(Application.Common.Errors.AppError).Assembly,
            typeof(Infrastructure.Common.MartenStore).Assembly,
            typeof(Api.ApiJson).Assembly,
        }
        .SelectMany(a => TypeDependencies.Read(a.Location))
        .Where(t => t.Key.StartsWith("Cargamos.Modular.", StringComparison.Ordinal))
        .Select(t => (t.Key, t.Value))
        .ToList();
}
