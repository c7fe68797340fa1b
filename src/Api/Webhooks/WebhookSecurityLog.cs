using Cargamos.Modular.Infrastructure.Common;
using Cargamos.Modular.Application.Webhooks;
using Microsoft.Extensions.Options;

namespace Cargamos.Modular.Api.Webhooks;

/// <summary>
/// At start: the webhook URL rules in effect, and outside Development and Testing a warning for each one relaxed by its
/// named setting (<c>Webhooks:RequireHttps=false</c>, <c>Webhooks:BlockPrivateNetworks=false</c>).
/// </summary>
internal static class WebhookSecurityLog
{
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cargamos.Security");
        var webhooks = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        logger.LogInformation("Webhook URL rules: https only {RequireHttps}, private networks blocked {BlockPrivate}",
            webhooks.RequireHttps, webhooks.BlockPrivateNetworks);
        if (HostingModes.IsRelaxed(app.Environment))
        {
            return;
        }

        if (webhooks.RequireHttps != true)
        {
            logger.LogWarning("Webhooks:RequireHttps=false: shippers may register plain http webhook URLs; their payloads and signatures travel unencrypted.");
        }

        if (webhooks.BlockPrivateNetworks != true)
        {
            logger.LogWarning("Webhooks:BlockPrivateNetworks=false: webhook URLs may point at loopback, private and cloud metadata addresses (server-side request forgery).");
        }
    }
}
