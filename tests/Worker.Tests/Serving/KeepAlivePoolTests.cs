using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class KeepAlivePoolTests : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _sockets = [];
    private readonly Listener _spec;

    public KeepAlivePoolTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(8);
        int port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _spec = new Listener((int)_listener.Handle, new SocketSpec("http-socket", "x", SocketProtocol.Http, SocketFamily.Tcp, "127.0.0.1", port, null));
    }

    /// <summary>A connected pair: the client socket and the accepted server-side fd (a raw fd the pool will own).</summary>
    private unsafe (Socket Client, int ServerFd) Pair()
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

    [Fact]
    public void TryTake_ReturnsTheConnection_OnlyOnceItsClientSpeaks()
    {
        using var pool = new KeepAlivePool(TimeSpan.FromSeconds(30));
        var (client, fd) = Pair();
        pool.Park(fd, _spec, [2, 0, 1, 2], registered: false);
        var addr = new byte[128];

        bool early = pool.TryTake(addr, out _, out _, out _);
        client.Send("GET"u8.ToArray());
        int taken = -1;
        Wait.Until(() => pool.TryTake(addr, out taken, out _, out _), "the parked connection to be ready");

        Assert.False(early);
        Assert.Equal(fd, taken);
        Assert.Equal(0, pool.Count);
        Assert.False(pool.TryTake(addr, out _, out _, out _)); // one-shot: nobody else gets it
        Libc.Close(taken);
    }

    [Fact]
    public void CloseExpired_ClosesIdleConnections_AfterTheTimeout()
    {
        using var pool = new KeepAlivePool(TimeSpan.FromMilliseconds(50));
        var (client, fd) = Pair();
        pool.Park(fd, _spec, [2, 0], registered: false);

        Wait.Until(() => { pool.CloseExpired(); return pool.Count == 0; }, "the idle connection to expire");

        Assert.Equal(0, client.Receive(new byte[1])); // EOF: the server side was closed
    }

    [Fact]
    public void CloseAll_ClosesEveryParkedConnection()
    {
        var pool = new KeepAlivePool(TimeSpan.FromSeconds(30));
        var (a, fdA) = Pair();
        var (b, fdB) = Pair();
        pool.Park(fdA, _spec, [2, 0], registered: false);
        pool.Park(fdB, _spec, [2, 0], registered: false);

        pool.Dispose();

        Assert.Equal((0, 0), (a.Receive(new byte[1]), b.Receive(new byte[1])));
    }

    public void Dispose()
    {
        foreach (var s in _sockets) s.Dispose();
        _listener.Dispose();
    }
}
