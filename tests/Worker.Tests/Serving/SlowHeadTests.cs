// Slow request heads (slowloris) in-process: a client that pauses in the middle of its head is
// parked with what it sent and does not hold a serving thread; the head is resumed when more comes;
// the whole head must arrive within request-head-timeout, however often bytes arrive.

using System.Diagnostics;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Tests.Protocol;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class SlowHeadTests
{
    private static byte[] UwsgiPacket(string uri)
        => new UwsgiPacketBuilder().Var("REQUEST_METHOD", "GET").Var("REQUEST_URI", uri).Var("PATH_INFO", uri)
            .Var("QUERY_STRING", "").Var("SERVER_PROTOCOL", "HTTP/1.1").Build();

    [Theory]
    [InlineData(SocketProtocol.Http)]
    [InlineData(SocketProtocol.Uwsgi)]
    public void PausedHead_DoesNotHoldTheOnlyThread_AndIsServedWhenItCompletes(SocketProtocol protocol)
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { Threads = 1, SocketTimeout = 60, RequestHeadTimeout = 60 }, protocol);
        byte[] slowRequest = protocol == SocketProtocol.Http ? "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() : UwsgiPacket("/slow");
        byte[] fastRequest = protocol == SocketProtocol.Http ? "GET /fast HTTP/1.1\r\nConnection: close\r\n\r\n"u8.ToArray() : UwsgiPacket("/fast");
        using var slow = f.Connect();
        int sent = 0;
        foreach (int cut in new[] { 1, 3, 7 }) // the uwsgi packet header is 4 bytes: cuts inside it and inside the vars
        {
            slow.Send(slowRequest[sent..cut]);
            sent = cut;
            Wait.Until(() => f.Server.KeepAlive.Count == 1, $"the head cut at byte {cut} to be parked");
            using var fast = f.Connect();
            fast.Send(fastRequest);
            Assert.Equal("GET /fast |", fast.ReadResponse().Body);
        }
        slow.Send(slowRequest[sent..]);

        Assert.Equal("GET /slow |", slow.ReadResponse().Body);
        Assert.Equal(0, f.Server.HeadTimeouts.Count);
    }

    [Theory]
    [InlineData(SocketProtocol.Http)]
    [InlineData(SocketProtocol.Uwsgi)]
    public void TricklingHead_IsAnswered408AndClosed_AtTheHeadDeadline_ThoughBytesKeepComing(SocketProtocol protocol)
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { Threads = 1, SocketTimeout = 60, RequestHeadTimeout = 2 }, protocol);
        byte[] head = protocol == SocketProtocol.Http
            ? System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nX-Slow: " + new string('a', 4000))
            : UwsgiPacket("/" + new string('a', 4000));
        using var c = f.Connect();
        var watch = Stopwatch.StartNew();

        bool answered = Trickle(c.Socket, head.AsSpan(0, head.Length - 1).ToArray(), TimeSpan.FromSeconds(60));
        var elapsed = watch.Elapsed;

        Assert.True(answered, "the connection was still open after 60 s of trickling");
        Assert.True(elapsed >= TimeSpan.FromSeconds(1.9), $"closed after {elapsed}, before the 2 s head deadline");
        Assert.StartsWith("HTTP/1.", ReadAll(c.Socket));
        Wait.Until(() => f.Server.HeadTimeouts.Count == 1, "the late head to be counted");
        Assert.Equal(1, f.Scoreboard.Slot(1).HeadTimeouts);
        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("request-head-timeout = 2 s")), "the late head to be logged");
    }

    /// <summary>
    /// Sends one byte every 100 ms until the server answers or closes (true) or max passes (false).
    /// </summary>
    private static bool Trickle(Socket s, byte[] bytes, TimeSpan max)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; watch.Elapsed < max; i = Math.Min(i + 1, bytes.Length - 1))
        {
            if (s.Poll(100_000, SelectMode.SelectRead)) return true; // a 408, EOF or a reset
            try { s.Send(bytes, i, 1, SocketFlags.None); }
            catch (SocketException) { return true; }
        }
        return false;
    }

    /// <summary>What the server sent before closing (a reset after the answer still leaves the answer read so far).</summary>
    private static string ReadAll(Socket s)
    {
        var all = new MemoryStream();
        var buf = new byte[4096];
        try
        {
            int n;
            while ((n = s.Receive(buf)) > 0) all.Write(buf, 0, n);
        }
        catch (SocketException) { }
        return System.Text.Encoding.ASCII.GetString(all.ToArray());
    }
}
