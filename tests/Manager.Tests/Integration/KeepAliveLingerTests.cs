// Between two requests of a keep-alive client, a serving thread with nothing else to do waits on
// that client's socket (so the next request costs one wake-up and one recv), but anything else that
// needs the thread interrupts the wait at once: the idle client is parked and the newcomer served.
// With one worker of one thread, an idle keep-alive client must never stand between a new
// connection and the only thread, and must still be served when it speaks again. The published
// binary, real sockets.

using System.Diagnostics;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Integration;

[Collection("real processes")]
public class KeepAliveLingerTests
{
    /// <summary>
    /// Well below the keep-alive idle timeout (30 s), which is how long the thread would wait on the
    /// idle client if the wait were not interrupted.
    /// </summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [BinaryFact]
    public void AnIdleKeepAliveClient_YieldsTheOnlyThread_ToANewConnection_AndIsServedAgainLater()
    {
        using var dn = new BinaryInstance(1, "threads = 1").WaitServing();
        using var idle = RawHttp.Connect(dn.Port);
        string first = RawHttp.Exchange(idle, "/pid", keepAlive: true);

        for (int i = 0; i < 3; i++) // three newcomers, each while the keep-alive client sits idle
        {
            using var other = RawHttp.Connect(dn.Port);
            var watch = Stopwatch.StartNew();
            string reply = RawHttp.Exchange(other, "/pid", keepAlive: false);
            Assert.True(watch.Elapsed < Prompt,
                $"a new connection waited {watch.Elapsed.TotalSeconds:F1} s for the only thread while a keep-alive client was idle");
            Assert.Equal(first, reply); // same worker, same pid
        }

        Assert.Equal(first, RawHttp.Exchange(idle, "/pid", keepAlive: true)); // the parked client is served when it speaks
    }

    [BinaryFact]
    public void AKeepAliveClient_IsServedManyRequestsInARow_WithOtherClientsInterleaved()
    {
        using var dn = new BinaryInstance(1, "threads = 2").WaitServing();
        using var a = RawHttp.Connect(dn.Port);
        using var b = RawHttp.Connect(dn.Port);
        using var c = RawHttp.Connect(dn.Port); // three clients, two threads: one is always parked
        for (int i = 0; i < 50; i++)
            foreach (var s in new[] { a, b, c })
                Assert.Matches("^[0-9]+$", RawHttp.Exchange(s, "/pid", keepAlive: true));
    }
}
