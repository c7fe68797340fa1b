namespace Cargamos.Modular.Api.Errors;

/// <summary>Gives every request a processId: in the response header, in every envelope, in the log scope and on recorded events.</summary>
public static class ProcessId
{
    public const string Header = "X-Process-Id";
    private const string ItemKey = "cargamos.processId";

    public static string Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is string id ? id : Assign(context);

    public static IApplicationBuilder UseProcessId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var id = Assign(context);

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
