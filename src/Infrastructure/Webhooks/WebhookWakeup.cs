using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Cargamos.Modular.Infrastructure.Common;
using Npgsql;

namespace Cargamos.Modular.Infrastructure.Webhooks;

/// <summary>
/// Wakes the dispatcher as soon as a message is committed by any API instance: a connection LISTENs on the channel the
/// outbox NOTIFYs in the same transaction. Best effort: if the connection is lost the dispatcher still polls. A burst of
/// notifications (every commit sends one) wakes the dispatcher once: the signal holds at most one, and after the first
/// the dispatcher waits <see cref="Coalesce"/> so the commits right behind it are claimed in the same batch.
/// </summary>
internal sealed class WebhookWakeup(WebhookDatabase database, ILogger<WebhookWakeup> logger)
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    /// <summary>How long a woken dispatcher lets a burst of commits gather before it claims.</summary>
    internal static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(5);
    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signal() => signal.Writer.TryWrite(true);

    /// <summary>Waits for a notification, at most <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout);
        try
        {
            await signal.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the poll interval passed
            return;
        }

        await Task.Delay(Coalesce, ct);
        signal.Reader.TryRead(out _);
    }

    /// <summary>Listens until <paramref name="ct"/> is cancelled, reconnecting after failures.</summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        var lost = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.Open(ct);
                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"listen {WebhookSchema.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                // Messages committed while no connection listened are found now.
                lost = false;
                Signal();
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!lost)
                {
                    // Once per loss; an unreachable database is no bug (the dispatcher logs the outage itself): no stack.
                    lost = true;
                    if (DatabaseUnavailability.Is(e))
                    {
                        logger.LogWarning("Webhook notifications are not received ({Error}); polling until the connection is back", e.GetBaseException().Message);
                    }
                    else
                    {
                        logger.LogWarning(e, "Webhook notifications are not received; polling until the connection is back");
                    }
                }

                try
                {
                    await Task.Delay(Reconnect, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
