// Between two requests of a keep-alive client, a serving thread with nothing else to do waits on
// that client's socket (so the next request costs one wake-up and one recv), but anything else that
// needs the thread interrupts the wait at once: the idle client is parked and the newcomer served.
// With one worker of one thread, an idle keep-alive client must never stand between a new
// connection and the only thread, and must still be served when it speaks again. The published
// binary, real sockets.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
        using var idle = Connect(dn.Port);
        string first = Exchange(idle, keepAlive: true);

        for (int i = 0; i < 3; i++) // three newcomers, each while the keep-alive client sits idle
        {
            using var other = Connect(dn.Port);
            var watch = Stopwatch.StartNew();
            string reply = Exchange(other, keepAlive: false);
            Assert.True(watch.Elapsed < Prompt,
                $"a new connection waited {watch.Elapsed.TotalSeconds:F1} s for the only thread while a keep-alive client was idle");
            Assert.Equal(first, reply); // same worker, same pid
        }

        Assert.Equal(first, Exchange(idle, keepAlive: true)); // the parked client is served when it speaks
    }

    [BinaryFact]
    public void AKeepAliveClient_IsServedManyRequestsInARow_WithOtherClientsInterleaved()
    {
        using var dn = new BinaryInstance(1, "threads = 2").WaitServing();
        using var a = Connect(dn.Port);
        using var b = Connect(dn.Port);
        using var c = Connect(dn.Port); // three clients, two threads: one is always parked
        for (int i = 0; i < 50; i++)
            foreach (var s in new[] { a, b, c })
                Assert.Matches("^[0-9]+$", Exchange(s, keepAlive: true));
    }

    private static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    /// <summary>Sends GET /pid and reads one response by its Content-Length; returns the body.</summary>
    private static string Exchange(Socket s, bool keepAlive)
    {
        s.Send(Encoding.ASCII.GetBytes($"GET /pid HTTP/1.1\r\nHost: x\r\n{(keepAlive ? "" : "Connection: close\r\n")}\r\n"));
        var data = new List<byte>();
        var buffer = new byte[4096];
        int headEnd = -1, length = -1;
        while (headEnd < 0 || data.Count < headEnd + length)
        {
            int got = s.Receive(buffer);
            if (got == 0) throw new Exception($"connection closed after {data.Count} bytes: {Encoding.ASCII.GetString(data.ToArray())}");
            data.AddRange(buffer.AsSpan(0, got).ToArray());
            if (headEnd >= 0) continue;
            string text = Encoding.ASCII.GetString(data.ToArray());
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            Assert.StartsWith("HTTP/1.1 200", text);
            headEnd = end + 4;
            var cl = text[..end].Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            length = int.Parse(cl["Content-Length:".Length..].Trim());
        }
        return Encoding.ASCII.GetString(data.ToArray(), headEnd, length);
    }
}
