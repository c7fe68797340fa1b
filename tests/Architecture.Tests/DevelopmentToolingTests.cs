using System.Reflection;
using System.Text.Json;

namespace Cargamos.Modular.Architecture.Tests;

/// <summary>
/// Development tooling (tools/LocalPostgres, tools/DevHost, Testcontainers and its Docker client) never ships with the API.
/// </summary>
public sealed class DevelopmentToolingTests
{
    private static readonly Assembly Infrastructure = typeof(Cargamos.Modular.Infrastructure.Common.MartenStore).Assembly;
    private static readonly Assembly Api = typeof(Cargamos.Modular.Api.ApiJson).Assembly;

    public static TheoryData<string> Tooling => new()
    {
        "Cargamos.Modular.LocalPostgres",
        "Cargamos.Modular.DevHost",
        "Testcontainers",
        "DotNet.Testcontainers",
        "Docker.DotNet",
    };

    [Theory]
    [MemberData(nameof(Tooling))]
    public void Api_and_Infrastructure_do_not_reference(string tooling)
    {
        foreach (var assembly in new[] { Api, Infrastructure })
        {
            var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(name => IsPartOf(name, tooling)).ToArray();
            Assert.True(referenced.Length == 0, $"{assembly.GetName().Name} references {string.Join(", ", referenced)}");
        }
    }

    // This project references only src/Api, so its dependency file lists what the API brings along, used in code or not.
    [Theory]
    [MemberData(nameof(Tooling))]
    public void The_API_does_not_bring_along(string tooling)
    {
        var depsFile = Path.Combine(AppContext.BaseDirectory, typeof(DevelopmentToolingTests).Assembly.GetName().Name + ".deps.json");
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0]).ToArray();
        Assert.Contains("Cargamos.Modular.Api", libraries);
        var found = libraries.Where(name => IsPartOf(name, tooling)).ToArray();
        Assert.True(found.Length == 0, $"The API's dependencies include {string.Join(", ", found)}");
    }

    private static bool IsPartOf(string name, string tooling) =>
        name.Equals(tooling, StringComparison.OrdinalIgnoreCase) || name.StartsWith(tooling + ".", StringComparison.OrdinalIgnoreCase);
}
