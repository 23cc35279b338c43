using System.Diagnostics;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class LimitsTests
{
    [Fact]
    public void Head_Gets431_WhenLargerThanBufferSize()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { BufferSize = 256 });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\nX-Big: " + new string('a', 400) + "\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal((431, "close"), (reply.Status, reply.Header("connection")));
        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("rejected with 431") && m.Contains("127.0.0.1")), "the 431 log line"); // logged by the serving thread, maybe after the reply
    }

    [Fact]
    public void Body_Gets413BeforeTheAppRuns_WhenContentLengthExceedsLimitPost()
    {
        int calls = 0;
        using var f = new ServingFixture(ctx => { calls++; Apps.Echo(ctx); }, o => o with { LimitPost = 10 });
        using var c = f.Connect();
        c.Send("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world");

        var reply = c.ReadResponse();

        Assert.Equal(413, reply.Status);
        Assert.Equal(0, calls);
        Assert.True(c.IsClosedByPeer());
    }

    [Fact]
    public void Body_Gets413_WhenAChunkedBodyCrossesLimitPost()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { LimitPost = 8 });
        using var c = f.Connect();
        c.Send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n");

        Assert.Equal(413, c.ReadResponse().Status);
    }

    [Fact]
    public void Body_UnderLimitPost_IsServed()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { LimitPost = 10 });
        using var c = f.Connect();
        c.Send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nhelloworld");

        Assert.Equal("POST / |helloworld", c.ReadResponse().Body);
    }

    [Theory]
    [InlineData("GET /\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")]
    public void Malformed_Gets400_AndIsLogged(string request)
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send(request);

        Assert.Equal(400, c.ReadResponse().Status);
        Wait.Until(() => f.Sink.Events.Any(e => e.Level == Serilog.Events.LogEventLevel.Warning && e.RenderMessage().Contains("rejected with 400")), "the 400 warning");
    }

    [Fact]
    public void StalledHead_Gets408()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { SocketTimeout = 1 });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\nHost: x\r\n");

        var reply = c.ReadResponse();

        Assert.Equal(408, reply.Status);
        Assert.True(c.IsClosedByPeer());
    }

    [Fact]
    public void StalledBody_ThrowsRequestBodyException_InTheApp()
    {
        string? seen = null;
        using var f = new ServingFixture(ctx =>
        {
            try { Apps.ReadAll(ctx.Body); }
            catch (RequestBodyException ex) { seen = ex.Message; throw; }
        }, o => o with { SocketTimeout = 1 });
        using var c = f.Connect();
        c.Send("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");

        var reply = c.ReadResponse();

        Assert.Equal(408, reply.Status);
        Wait.Until(() => Volatile.Read(ref seen) is not null, "the app to see the failure");
        Assert.Contains("timeout during read", seen);
        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("Content-Length: 10 consumed: 3 left: 7")), "the body-read warning");
    }

    [Fact]
    public void SlowClient_DoesNotPinTheOnlyThread_Forever()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { SocketTimeout = 1, Threads = 1 });
        using var slow = f.Connect();
        slow.Send("GET / HT");
        Thread.Sleep(100); // let the only thread pick up the slow client first
        using var fast = f.Connect();
        fast.Send("GET /fast HTTP/1.1\r\n\r\n");

        Assert.Equal("GET /fast |", fast.ReadResponse().Body);
        Assert.Equal(408, slow.ReadResponse().Status);
    }

    [Fact]
    public void IdleKeepAliveClient_DoesNotHoldTheThread_AndStaysUsable()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { SocketTimeout = 60, Threads = 1 });
        using var idle = f.Connect();
        idle.Send("GET /1 HTTP/1.1\r\n\r\n");
        idle.ReadResponse();
        var watch = Stopwatch.StartNew();
        using var waiting = f.Connect();
        waiting.Send("GET /2 HTTP/1.1\r\n\r\n");

        Assert.Equal("GET /2 |", waiting.ReadResponse().Body);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"served after {watch.Elapsed}: the idle connection held the thread");
        idle.Send("GET /3 HTTP/1.1\r\n\r\n");
        Assert.Equal("GET /3 |", idle.ReadResponse().Body);
        waiting.Send("GET /4 HTTP/1.1\r\n\r\n");
        Assert.Equal("GET /4 |", waiting.ReadResponse().Body);
    }

    [Fact]
    public void ManyKeepAliveClients_AreServedInTurn_ByOneThread()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { Threads = 1 });
        var clients = Enumerable.Range(0, 20).Select(_ => f.Connect()).ToList();
        try
        {
            for (int round = 0; round < 3; round++)
                foreach (var (c, i) in clients.Select((c, i) => (c, i)))
                {
                    try { c.Send($"GET /{i}/{round} HTTP/1.1\r\n\r\n"); }
                    catch (Exception ex) { throw new Exception($"client {i} round {round}: " + string.Join("\n", f.Sink.Messages), ex); }
                    Assert.Equal($"GET /{i}/{round} |", c.ReadResponse().Body);
                }
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        Wait.Until(() => f.Scoreboard.Slot(1).Requests == 60, "all 60 requests to be recorded");
    }

    [Fact]
    public void SlowReader_TimesOut_AndFreesTheThread()
    {
        var chunk = new byte[256 * 1024];
        using var f = new ServingFixture(ctx =>
        {
            if (ctx.Vars.GetString("PATH_INFO") == "/small") { Apps.Echo(ctx); return; }
            ctx.Response.Start("200 OK"u8);
            for (int i = 0; i < 400; i++) ctx.Response.Write(chunk); // 100 MB: far beyond the socket buffers
        }, o => o with { SocketTimeout = 1 });
        using var stalled = f.Connect();
        stalled.Socket.ReceiveBufferSize = 4096;
        stalled.Send("GET /big HTTP/1.1\r\n\r\n"); // and never read

        Wait.Until(() => f.Scoreboard.Slot(1).Requests == 1, "the stalled write to time out");
        using var next = f.Connect();
        next.Send("GET /small HTTP/1.1\r\n\r\n");

        Assert.Equal("GET /small |", next.ReadResponse().Body);
        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("write timeout")), "the write timeout log line");
    }
}
