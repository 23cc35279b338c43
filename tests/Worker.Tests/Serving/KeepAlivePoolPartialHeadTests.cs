// The keep-alive pool's partial-head parking, driven directly over real loopback sockets: a parked
// head comes back with its bytes and its total deadline; the sweep hands a head past its deadline
// to HeadExpired (saying which deadline passed) and never an idle connection.

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Serving;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class KeepAlivePoolPartialHeadTests : LoopbackPairs
{
    [Fact]
    public void TryTake_GivesBackThePartialHead_AndItsDeadline()
    {
        using var pool = new KeepAlivePool(TimeSpan.FromSeconds(30));
        var (client, fd) = Pair();
        long headDeadline = Environment.TickCount64 + 60_000;
        pool.ParkPartial(fd, _spec, [2, 0], registered: false, "GET /slow HT"u8, headDeadline, Environment.TickCount64 + 60_000);
        var addr = new byte[128];

        client.Send("T"u8.ToArray());
        KeepAlivePool.PartialHead head = default;
        int taken = -1;
        Wait.Until(() => pool.TryTake(addr, out taken, out _, out _, out head), "the parked head to be ready");

        Assert.Equal(fd, taken);
        Assert.Equal("GET /slow HT", System.Text.Encoding.ASCII.GetString(head.Span));
        Assert.Equal(headDeadline, head.Deadline);
        head.Return();
        Libc.Close(taken);
    }

    [Fact]
    public void TryTake_OfAnIdleConnection_HasNoHead()
    {
        using var pool = new KeepAlivePool(TimeSpan.FromSeconds(30));
        var (client, fd) = Pair();
        pool.Park(fd, _spec, [2, 0], registered: false);
        var addr = new byte[128];

        client.Send("G"u8.ToArray());
        KeepAlivePool.PartialHead head = default;
        int taken = -1;
        Wait.Until(() => pool.TryTake(addr, out taken, out _, out _, out head), "the parked connection to be ready");

        Assert.Null(head.Bytes);
        Assert.Equal(0, head.Deadline);
        Libc.Close(taken);
    }

    [Theory]
    [InlineData(true)]  // the total head deadline comes first
    [InlineData(false)] // the client falls silent for longer than the silence deadline first
    public void CloseExpired_HandsALateHead_ToHeadExpired_SayingWhichDeadlinePassed(bool totalFirst)
    {
        using var pool = new KeepAlivePool(TimeSpan.FromSeconds(30));
        var expired = new List<(int Fd, bool Total)>();
        pool.HeadExpired = (f, _, total) => { lock (expired) expired.Add((f, total)); Libc.Close(f); };
        var (_, fd) = Pair();
        var (_, idleFd) = Pair();
        long now = Environment.TickCount64;
        pool.ParkPartial(fd, _spec, [2, 0], registered: false, "GET / HTTP/1.1\r\n"u8,
            headDeadline: now + (totalFirst ? 50 : 60_000), silenceDeadline: now + (totalFirst ? 60_000 : 50));
        pool.Park(idleFd, _spec, [2, 0], registered: false);

        Wait.Until(() => { pool.CloseExpired(); lock (expired) return expired.Count > 0; }, "the late head to expire");

        Assert.Equal([(fd, totalFirst)], expired);
        Assert.Equal(1, pool.Count); // the idle connection (30 s) is still parked
    }
}
