using Cargamos.Modular.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cargamos.Modular.Api.Tests;

/// <summary>
/// Every port the Application layer declares is wired by its module's <c>Add&lt;Module&gt;()</c>: wiring is explicit,
/// so a port someone forgets to register fails here, not at the first request that needs it.
/// </summary>
public sealed class WiringTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public static TheoryData<Type> Ports()
    {
        var application = typeof(Application.Common.Errors.AppError).Assembly;
        var types = application.GetTypes();
        var ports = types
            .Where(t => t.IsInterface && t.Namespace!.StartsWith("Cargamos.Modular.Application", StringComparison.Ordinal) && !t.IsGenericTypeDefinition)
            // A port has operations and is implemented outside Application (data interfaces and markers are not ports).
            .Where(t => t.GetMethods().Length > 0 && !types.Any(c => c is { IsClass: true } && t.IsAssignableFrom(c)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        var data = new TheoryData<Type>();
        foreach (var port in ports)
        {
            data.Add(port);
        }

        return data;
    }

    [Fact]
    public void The_ports_are_found()
    {
        // Guards the theory below against finding nothing.
        var count = Ports().Count;
        Assert.True(count >= 15, $"only {count} ports found");
    }

    [Theory]
    [MemberData(nameof(Ports))]
    public void Every_port_resolves_to_one_adapter(Type port)
    {
        using var scope = api.Services.CreateScope();
        var adapters = scope.ServiceProvider.GetServices(port).ToList();
        Assert.True(adapters.Count == 1, $"{port.FullName} has {adapters.Count} registrations");
        Assert.False(adapters[0]!.GetType().Assembly == port.Assembly, $"{port.FullName} is implemented inside Application");
    }
}
