using System.Reflection;
using Cargamos.Modular.Domain.Shipments;
using NetArchTest.Rules;
using Cargamos.Modular.Infrastructure.Common;

namespace Cargamos.Modular.Architecture.Tests;

public sealed class LayerTests
{
    private static readonly Assembly Domain = typeof(Shipment).Assembly;
    private static readonly Assembly Application = typeof(Cargamos.Modular.Application.Common.Errors.AppError).Assembly;
    private static readonly Assembly Infrastructure = typeof(MartenStore).Assembly;
    private static readonly Assembly Api = typeof(Cargamos.Modular.Api.ApiJson).Assembly;

    [Fact]
    public void Domain_references_no_package_and_no_other_layer()
    {
        var referenced = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var foreign = referenced.Where(name => !IsFramework(name)).ToArray();
        Assert.True(foreign.Length == 0, $"Domain references {string.Join(", ", foreign)}");
    }

    [Theory]
    [InlineData("Marten")]
    [InlineData("Npgsql")]
    [InlineData("JasperFx")]
    [InlineData("Weasel")]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Cargamos.Modular.Infrastructure")]
    [InlineData("Cargamos.Modular.Api")]
    public void Application_does_not_depend_on(string forbidden)
    {
        AssertNoDependency(Application, forbidden);
        Assert.DoesNotContain(Application.GetReferencedAssemblies(), a => a.Name!.StartsWith(forbidden, StringComparison.Ordinal));
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_Api()
    {
        AssertNoDependency(Infrastructure, "Cargamos.Modular.Api");
        Assert.DoesNotContain(Infrastructure.GetReferencedAssemblies(), a => a.Name == "Cargamos.Modular.Api");
    }

    [Theory]
    [InlineData("Cargamos.Modular.Application")]
    [InlineData("Cargamos.Modular.Infrastructure")]
    [InlineData("Cargamos.Modular.Api")]
    public void Domain_types_do_not_depend_on_outer_layers(string forbidden) => AssertNoDependency(Domain, forbidden);

    [Fact]
    public void Domain_events_are_top_level_sealed_records()
    {
        var events = Domain.GetTypes().Where(t => typeof(IShipmentEvent).IsAssignableFrom(t) && t.IsClass).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.False(e.IsNested, $"{e.Name} is nested: Marten aliases events by short name");
            Assert.True(e.IsSealed, $"{e.Name} is not sealed");
            Assert.NotNull(e.GetMethod("<Clone>$"));
        });
    }

    [Fact]
    public void The_mediator_source_generator_is_referenced_only_by_Api()
    {
        foreach (var assembly in new[] { Domain, Application, Infrastructure })
        {
            Assert.Null(assembly.GetType("Mediator.Mediator"));
        }

        Assert.NotNull(Api.GetType("Mediator.Mediator"));
    }

    private static void AssertNoDependency(Assembly assembly, string forbidden)
    {
        var result = Types.InAssembly(assembly)
            .That().DoNotHaveNameStartingWith("<")
            .ShouldNot().HaveDependencyOn(forbidden)
            .GetResult();
        var failing = result.FailingTypeNames ?? [];
        Assert.True(result.IsSuccessful, $"{assembly.GetName().Name} types depending on {forbidden}: {string.Join(", ", failing)}");
    }

    private static bool IsFramework(string name) =>
        name is "System.Runtime" or "netstandard" or "mscorlib" || name.StartsWith("System.", StringComparison.Ordinal)
        || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal);
}
