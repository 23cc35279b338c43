// Real loopback connections for tests that drive the keep-alive pool directly: a listener, and pairs
// of a client socket and the accepted server-side raw fd (which the pool under test will own).

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public abstract class LoopbackPairs : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _sockets = [];
    protected readonly Listener _spec;

    protected LoopbackPairs()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(8);
        int port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _spec = new Listener((int)_listener.Handle, new SocketSpec("http-socket", "x", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", port, null));
    }

    /// <summary>A connected pair: the client socket and the accepted server-side fd (a raw fd the pool will own).</summary>
    protected unsafe (Socket Client, int ServerFd) Pair()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 30000 };
        client.Connect(_listener.LocalEndPoint!);
        _sockets.Add(client);
        byte* addr = stackalloc byte[128];
        uint len = 128;
        int fd = Libc.Accept4((int)_listener.Handle, addr, ref len, Libc.SOCK_CLOEXEC);
        Assert.True(fd >= 0, $"accept4 failed: errno {-fd}");
        return (client, fd);
    }

    public void Dispose()
    {
        foreach (var s in _sockets) s.Dispose();
        _listener.Dispose();
    }
}
