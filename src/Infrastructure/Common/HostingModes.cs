using Microsoft.Extensions.Hosting;

namespace Cargamos.Modular.Infrastructure.Common;

/// <summary>Where the API keeps its development conveniences (demo data, plain-http webhooks to localhost): Development and Testing only.</summary>
public static class HostingModes
{
    public static bool IsRelaxed(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");
}
