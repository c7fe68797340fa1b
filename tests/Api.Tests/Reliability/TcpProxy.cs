using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Cargamos.Modular.Api.Tests.Reliability;

/// <summary>
/// A TCP forwarder in front of the test PostgreSQL, to break the database for one API without touching the server the
/// other test classes share: <see cref="Down"/> refuses new connections and cuts the open ones (as a crashed or
/// unreachable server), <see cref="Up"/> accepts again on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly ConcurrentDictionary<Socket, byte> open = new();
    private TcpListener? listener;
    private CancellationTokenSource? accepting;

    private TcpProxy(IPEndPoint target, int port)
    {
        this.target = target;
        Port = port;
    }

    public int Port { get; }

    public static TcpProxy Start(string host, int port)
    {
        var address = Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var free = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var proxy = new TcpProxy(new IPEndPoint(address, port), free);
        proxy.Up();
        return proxy;
    }

    public void Up()
    {
        if (listener is not null)
        {
            return;
        }

        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        accepting = new CancellationTokenSource();
        _ = Accept(listener, accepting.Token);
    }

    public void Down()
    {
        accepting?.Cancel();
        listener?.Stop();
        listener = null;
        foreach (var socket in open.Keys)
        {
            Close(socket);
        }
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }

    private async Task Accept(TcpListener on, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await on.AcceptSocketAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            var server = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(target, ct);
            }
            catch (Exception)
            {
                Close(client);
                Close(server);
                continue;
            }

            open[client] = 0;
            open[server] = 0;
            _ = Pump(client, server);
            _ = Pump(server, client);
        }
    }

    private async Task Pump(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            Close(from);
            Close(to);
        }
    }

    private void Close(Socket socket)
    {
        open.TryRemove(socket, out _);
        try
        {
            socket.LingerState = new LingerOption(true, 0); // a reset, as when the server dies
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
