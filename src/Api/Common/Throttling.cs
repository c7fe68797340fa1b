using System.Globalization;
using System.Threading.RateLimiting;
using Cargamos.Modular.Application.Common.Errors;
using Cargamos.Modular.Application.Common.Telemetry;
using Cargamos.Modular.Application.Common.Throttling;
using Cargamos.Modular.Api.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace Cargamos.Modular.Api.Common;

/// <summary>The client address a limit is counted against (the connection's; a proxy in front must forward it).</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "local";
}

/// <summary>
/// Endpoint metadata for an endpoint people open in a browser (the public tracking page): its 429 is a page of its own
/// instead of the error envelope. <see cref="Write"/> gets the time until the next request is accepted.
/// </summary>
public sealed record RejectionPage(Func<HttpContext, TimeSpan, CancellationToken, ValueTask> Write);

/// <summary>
/// The API's limits (<see cref="RateLimitOptions"/>, section <c>RateLimits</c>): ASP.NET Core's rate limiter on the
/// anonymous credential endpoints and the public tracking page, per client address (<see cref="LoginPolicy"/>,
/// <see cref="TokenPolicy"/>, <see cref="TrackingPagePolicy"/>), answered
/// 429 with Retry-After in the error envelope; and a concurrency limit on the whole API that sheds load with 503 and
/// Retry-After instead of letting every request slow down until it times out. The per-user back-off after failed logins
/// and the bounded password hashing live with the login (<see cref="FailureBackoff"/>).
/// </summary>
public static class Throttling
{
    public const string LoginPolicy = "login";
    public const string TokenPolicy = "token";
    public const string TrackingPagePolicy = "tracking-page";

    public static IServiceCollection AddCargamosThrottling(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(options);
        services.AddSingleton<FailureBackoff>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(LoginPolicy, context => PerAddress(context, options.LoginPerMinute));
            limiter.AddPolicy(TokenPolicy, context => PerAddress(context, options.TokenPerMinute));
            limiter.AddPolicy(TrackingPagePolicy, context => PerAddress(context, options.TrackingPagePerMinute));
            limiter.OnRejected = (context, token) =>
            {
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "other";
                context.HttpContext.RequestServices.GetRequiredService<CargamosMetrics>().RateLimited(policy);
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RejectionPage>() is { } page)
                {
                    return page.Write(context.HttpContext, wait, token);
                }

                throw AppError.TooManyRequests(string.Create(CultureInfo.InvariantCulture,
                    $"Too many attempts from your address; the next one is accepted in {Math.Ceiling(wait.TotalSeconds):0} s (Retry-After)."), wait);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>
    /// At most <see cref="RateLimitOptions.MaxConcurrentRequests"/> requests served at once and
    /// <see cref="RateLimitOptions.RequestQueue"/> waiting; any more is answered at once with 503 SERVICE_UNAVAILABLE and
    /// Retry-After: 1. Health checks are never shed.
    /// </summary>
    public static IApplicationBuilder UseRequestShedding(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<RateLimitOptions>();
        var metrics = app.ApplicationServices.GetRequiredService<CargamosMetrics>();
        if (options.MaxConcurrentRequests <= 0)
        {
            return app;
        }

        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrentRequests,
            QueueLimit = Math.Max(0, options.RequestQueue),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        return app.Use(async (context, next) =>
        {
            // Health checks and the metrics scrape (operator token required further on) show an overloaded process as it is.
            if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments(Telemetry.MetricsPath))
            {
                await next(context);
                return;
            }

            using var lease = await limiter.AcquireAsync(1, context.RequestAborted);
            if (!lease.IsAcquired)
            {
                metrics.RateLimited(CargamosMetrics.Policies.Shedding);
                throw AppError.Busy("The API is serving as many requests as it can; try again shortly (Retry-After).", TimeSpan.FromSeconds(1));
            }

            await next(context);
        });
    }
}
