using Cargamos.Modular.Infrastructure.Common;
using System.Globalization;
using Cargamos.Modular.Api.Common;
using Cargamos.Modular.Application.Common.Throttling;

namespace Cargamos.Modular.Api.Hosting;

/// <summary>
/// What a production start requires and what it logs. Outside Development and Testing the API refuses to start without
/// a connection string and a signing key from configuration or environment (<see cref="DatabaseConnection"/>,
/// <see cref="JwtSettings"/>), and refuses demo data and requires the public address (<c>Labels:PublicBaseUrl</c>). The effective settings are logged at start (the webhook URL rules
/// by the webhooks module: <c>WebhookSecurityLog</c>).
/// </summary>
public static class SecuritySettings
{
    /// <summary>Refuses settings a production start must never run with; before anything is registered.</summary>
    public static void Check(IConfiguration configuration, IHostEnvironment environment, bool command = false)
    {
        if (HostingModes.IsRelaxed(environment))
        {
            return;
        }

        if (configuration.GetValue<bool?>("Cargamos:SeedDemoData") == true)
        {
            throw new InvalidOperationException(
                $"Cargamos:SeedDemoData=true is refused in the {environment.EnvironmentName} environment: demo users have published passwords. " +
                "Demo data is for Development (./run.sh).");
        }

        // Links that outlive a request (webhook messages, the VTEX service view, label QR codes) cannot take the
        // request's host, which the caller chooses (docs/tracking-page.md#public-address).
        // An operations command builds no link: it runs without one.
        if (!command && string.IsNullOrWhiteSpace(configuration["Labels:PublicBaseUrl"]))
        {
            throw new InvalidOperationException(
                $"No public address: set Labels:PublicBaseUrl (env Labels__PublicBaseUrl) in the {environment.EnvironmentName} environment to the " +
                "address recipients and VTEX reach the API at, e.g. https://api.cargamos.mx: tracking page links in labels, webhook messages " +
                "and the VTEX service view are built on it.");
        }
    }

    /// <summary>One line with the security-relevant settings in effect.</summary>
    public static void Log(WebApplication app, bool seedDemoData, JwtSettings jwt)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cargamos.Security");
        var environment = app.Environment;
        var limits = app.Services.GetRequiredService<RateLimitOptions>();
        var maxBody = BodyLimits.MaxBytes(app.Configuration);
        logger.LogInformation(
            "Security settings: environment {Environment}; demo data {DemoData}; token lifetime {TokenMinutes} min; " +
            "logins {LoginPerMinute}/min and carrier tokens {TokenPerMinute}/min per address, back-off after " +
            "{FreeFailures} failures up to {MaxBackoff}; {Hashes} password hashes at once; {Requests} requests at once (+{Queue} queued); bodies up to {MaxBody} bytes",
            environment.EnvironmentName, seedDemoData ? "loaded" : "off", (int)jwt.Lifetime.TotalMinutes,
            limits.LoginPerMinute, limits.TokenPerMinute, limits.FreeFailures, limits.MaxBackoff, limits.EffectiveMaxConcurrentHashes,
            limits.MaxConcurrentRequests, limits.RequestQueue, maxBody.ToString("N0", CultureInfo.InvariantCulture));

    }
}
