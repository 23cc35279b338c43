// Connections a worker holds without serving them: a retiring worker (graceful stop, reload,
// recycle) answers a request that reaches it on a connection it told keep-alive, with
// Connection: close, instead of closing that connection under the request; on the uwsgi protocol
// (one request per connection) the connection is closed as soon as the response is written.

using System.Net.Sockets;
using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Tests.Protocol;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class RetireTests
{
    [Fact]
    public async Task Retiring_AnswersTheNextRequest_OfAClientToldKeepAliveBeforeTheStop_WithConnectionClose()
    {
        using var gate = new ManualResetEventSlim();
        void App(RequestContext ctx)
        {
            if (ctx.Vars.GetString("PATH_INFO") != "/slow") { Apps.Echo(ctx); return; }
            ctx.Response.Start("200 OK"u8);
            ctx.Response.Write("a"u8, ChunkHint.Flush); // the head (keep-alive) goes out now
            gate.Wait(TimeSpan.FromSeconds(30));
            ctx.Response.Write("b"u8, ChunkHint.Last);
        }
        using var f = new ServingFixture(App, o => o with { SocketTimeout = 60 });
        using var c = f.Connect();
        c.Send("GET /slow HTTP/1.1\r\n\r\n");
        Assert.DoesNotContain("close", c.ReadUntil("\r\n\r\n"), StringComparison.OrdinalIgnoreCase);

        f.Server.RequestStop(); // while /slow runs: its client was already told keep-alive
        c.Send("GET /next HTTP/1.1\r\n\r\n");
        gate.Set();

        Assert.Equal("ab", c.ReadResponse().Body);
        var next = c.ReadResponse();
        Assert.Equal("GET /next |", next.Body);
        Assert.Equal("close", next.Header("Connection"));
        Assert.True(c.IsClosedByPeer());
        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Retiring_ServesAParkedClientThatSpeaksDuringTheStopGrace_AndClosesTheIdleOnes()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { SocketTimeout = 60 });
        f.Server.StopGrace = TimeSpan.FromSeconds(5);
        using var speaks = f.Connect();
        using var idle = f.Connect();
        foreach (var c in new[] { speaks, idle })
        {
            c.Send("GET /1 HTTP/1.1\r\n\r\n");
            Assert.Equal("GET /1 |", c.ReadResponse().Body);
        }

        f.Server.RequestStop();
        speaks.Send("GET /2 HTTP/1.1\r\n\r\n");

        var reply = speaks.ReadResponse();
        Assert.Equal("GET /2 |", reply.Body);
        Assert.Equal("close", reply.Header("Connection"));
        Assert.True(speaks.IsClosedByPeer());
        Assert.True(idle.IsClosedByPeer());
        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Retiring_WithNoIdleConnection_StopsWithoutWaitingOutTheGrace()
    {
        using var f = new ServingFixture(Apps.Echo);
        f.Server.StopGrace = TimeSpan.FromMinutes(10);
        using (var c = f.Connect())
        {
            c.Send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
            c.ReadResponse();
        }

        f.Server.RequestStop();

        await f.Server.Stopped.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Uwsgi_ClosesTheConnection_RightAfterTheResponse_EvenWithABodyTheAppDidNotRead()
    {
        using var f = new ServingFixture(ctx =>
        {
            ctx.Response.Start("200 OK"u8);
            ctx.Response.Write("done"u8, ChunkHint.Last);
        }, o => o with { SocketTimeout = 60 }, protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        var body = new string('x', 100);
        c.Send(new UwsgiPacketBuilder().Var("REQUEST_METHOD", "POST").Var("PATH_INFO", "/")
            .Var("CONTENT_LENGTH", body.Length.ToString()).Body(body).Build());

        Assert.EndsWith("done", c.ReadToClose());

        // Closed, not half-closed while the thread waits for our FIN: more bytes get a reset.
        var more = Encoding.ASCII.GetBytes(new string('y', 64 * 1024));
        var error = Record.Exception(() =>
        {
            for (int i = 0; i < 8; i++) c.Socket.Send(more); // 512 KiB: less than a lingering close would drain
        });
        Assert.IsType<SocketException>(error);
    }
}
