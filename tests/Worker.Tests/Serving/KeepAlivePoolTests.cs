using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class KeepAlivePoolTests : LoopbackPairs
{
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
}
