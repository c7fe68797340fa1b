using Cargamos.Modular.Application.Vtex;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cargamos.Modular.Infrastructure.Vtex;

/// <summary>Loads the demo carriers and the demo VTEX account (Development and tests only). Idempotent.</summary>
internal sealed class VtexDemoData(IServiceScopeFactory scopes, ILogger<VtexDemoData> logger) : IHostedService
{
    /// <summary>The developer API key printed in the VTEX Pick and Pack document, used by the demo Servientrega carrier.</summary>
    internal const string ServientregaApiKey =
        "db5a3cecfef9cb0a9815af7c2eb8f7d6:c400460c165cc9beb146ad4d757e3bb1a24ff15228c424a0bd7c37f0ac356c0f6230568705d93dd6ff68190c0eafe5a74cbb14229748f20d3e53cbcc790ba372";

    internal static readonly CarrierAccount[] Carriers =
    [
        new("servientrega-50461c9f3335", "Servientrega", null, SecretHashes.Of(ServientregaApiKey), true),
        new("627eb3b93a19fdc0cf5fe087", "Blue Express", null, SecretHashes.Of("bluexpress-demo-key"), true),
    ];

    internal static readonly VtexAccount DemoVtexAccount =
        new("vtexappkey-demo", SecretHashes.Of("vtex-demo-token"), new Dictionary<string, string> { ["qaolimpica"] = "demo-shipper" }, true);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IDocumentSession>();
        session.Store(Carriers);
        session.Store(DemoVtexAccount);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo carriers and the demo VTEX account are loaded");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
