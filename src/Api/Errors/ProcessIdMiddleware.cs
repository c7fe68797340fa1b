namespace Cargamos.Modular.Api.Errors;

/// <summary>Gives every request a processId: in the response header, in every envelope, in the log scope and on recorded events.</summary>
public static class ProcessId
{
    public const string Header = "X-Process-Id";
    private const string ItemKey = "cargamos.processId";
    private const string StartedKey = "cargamos.startedAt";

    public static string Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : Assign(context);

    /// <summary>When the request arrived: the <c>timestamp</c> of every envelope it answers with.</summary>
    public static DateTimeOffset StartedAt(HttpContext context)
    {
        if (!context.Items.TryGetValue(StartedKey, out var value) || value is not DateTimeOffset started)
        {
            started = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            context.Items[StartedKey] = started;
        }

        return started;
    }

    public static IApplicationBuilder UseProcessId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var id = Assign(context);
        StartedAt(context);

        // The exception handler clears the response headers before writing the error: stamp them at the last moment.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cargamos.Requests");
        using (logger.BeginScope(new Dictionary<string, object> { ["ProcessId"] = id }))
        {
            await next(context);
        }
    });

    private static string Assign(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is string id)
        {
            return id;
        }

        id = Guid.CreateVersion7().ToString();
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        return id;
    }
}
