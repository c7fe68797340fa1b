using System.Globalization;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Application.Common.Throttling;
using Cargamos.Modular.Application.Webhooks;
using Microsoft.Extensions.Options;

namespace Cargamos.Modular.Api.Hosting;

/// <summary>
/// What a production start requires and what it logs. Outside Development and Testing the API refuses to start without
/// a connection string and a signing key from configuration or environment (<see cref="DatabaseConnection"/>,
/// <see cref="JwtSettings"/>), and refuses demo data; the webhook URL rules (https only, no private networks) stay on
/// unless relaxed by their named settings, which is logged as a warning. The effective settings are logged at start.
/// </summary>
public static class SecuritySettings
{
    /// <summary>Development and Testing keep their conveniences (demo data, plain http webhooks to localhost).</summary>
    public static bool IsRelaxed(IHostEnvironment environment) => environment.IsDevelopment() || environment.IsEnvironment("Testing");

    /// <summary>Refuses settings a production start must never run with; before anything is registered.</summary>
    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (IsRelaxed(environment))
        {
            return;
        }

        if (configuration.GetValue<bool?>("Cargamos:SeedDemoData") == true)
        {
            throw new InvalidOperationException(
                $"Cargamos:SeedDemoData=true is refused in the {environment.EnvironmentName} environment: demo users have published passwords. " +
                "Demo data is for Development (./run.sh).");
        }
    }

    /// <summary>One line with the security-relevant settings in effect, and a warning for each one relaxed outside Development.</summary>
    public static void Log(WebApplication app, bool seedDemoData, JwtSettings jwt)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cargamos.Security");
        var environment = app.Environment;
        var webhooks = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var limits = app.Services.GetRequiredService<RateLimitOptions>();
        var maxBody = app.Configuration.GetValue<long?>("Api:MaxBodyBytes") ?? BodyLimits.DefaultMaxBytes;
        logger.LogInformation(
            "Security settings: environment {Environment}; demo data {DemoData}; token lifetime {TokenMinutes} min; webhook URLs https only {RequireHttps}, " +
            "private networks blocked {BlockPrivate}; logins {LoginPerMinute}/min and carrier tokens {TokenPerMinute}/min per address, back-off after " +
            "{FreeFailures} failures up to {MaxBackoff}; {Hashes} password hashes at once; {Requests} requests at once (+{Queue} queued); bodies up to {MaxBody} bytes",
            environment.EnvironmentName, seedDemoData ? "loaded" : "off", (int)jwt.Lifetime.TotalMinutes, webhooks.RequireHttps, webhooks.BlockPrivateNetworks,
            limits.LoginPerMinute, limits.TokenPerMinute, limits.FreeFailures, limits.MaxBackoff, limits.EffectiveMaxConcurrentHashes,
            limits.MaxConcurrentRequests, limits.RequestQueue, maxBody.ToString("N0", CultureInfo.InvariantCulture));
        if (IsRelaxed(environment))
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
