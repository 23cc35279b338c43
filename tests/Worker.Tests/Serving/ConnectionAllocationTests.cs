// What the serving thread allocates (managed memory) for one accepted connection and for one more
// request on a kept-alive connection. One serving thread, an app that allocates nothing and reads the
// thread's allocation counter at every request: the difference between two requests is everything
// that thread did in between (accept, parse, the environ, the answer, the close, the wait for the next).
//
// Request logging is off here: the request log line (on by default, as in uWSGI) goes through Serilog
// and costs about 1.3 KB per request measured the same way (the line's text, its event, its
// properties); that is the logger's price, not the connection's, and it is left out of these bounds.

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Tests.Protocol;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class ConnectionAllocationTests
{
    private const int Warmup = 200, Window = 1000, Windows = 3;

    private static ServingFixture Serve(long[] marks, SocketProtocol protocol = SocketProtocol.Http)
    {
        int served = 0;
        return new ServingFixture(ctx =>
        {
            marks[served++] = GC.GetAllocatedBytesForCurrentThread();
            ctx.Response.Start("200 OK"u8);
            ctx.Response.AddHeader("Content-Length"u8, "2"u8);
            ctx.Response.Write("ok"u8);
            ctx.Response.Complete();
        }, configure: o => o with { DisableLogging = true }, protocol: protocol);
    }

    /// <summary>
    /// The least of the per-request figures of three windows: an allocation on every request shows in
    /// each; a one-time or rare one (a slow path first taken on a loaded machine) in one at most.
    /// </summary>
    private static long PerRequest(long[] marks)
        => Enumerable.Range(0, Windows).Min(w => (marks[Warmup + (w + 1) * Window] - marks[Warmup + w * Window]) / Window);

    [Theory]
    [InlineData(SocketProtocol.Http)]
    [InlineData(SocketProtocol.Uwsgi)]
    public void ANewConnectionPerRequest_AllocatesAtMost64Bytes(SocketProtocol protocol)
    {
        var marks = new long[Warmup + Windows * Window + 1];
        using var f = Serve(marks, protocol);
        byte[] request = protocol == SocketProtocol.Http
            ? Encoding.ASCII.GetBytes("GET /a?b=1 HTTP/1.1\r\nHost: t\r\nUser-Agent: test\r\nAccept: */*\r\nConnection: close\r\n\r\n")
            : new UwsgiPacketBuilder().Var("REQUEST_METHOD", "GET").Var("REQUEST_URI", "/a?b=1").Var("PATH_INFO", "/a")
                .Var("QUERY_STRING", "b=1").Var("SERVER_PROTOCOL", "HTTP/1.1").Var("REMOTE_ADDR", "10.0.0.1")
                .Var("HTTP_HOST", "t").Var("HTTP_USER_AGENT", "test").Build();

        for (int i = 0; i < marks.Length; i++)
        {
            using var c = f.Connect();
            c.Send(request);
            Assert.EndsWith("ok", c.ReadToClose(), StringComparison.Ordinal);
        }

        long perConnection = PerRequest(marks);
        Assert.True(perConnection <= 64, $"{perConnection} bytes allocated per connection on the serving thread ({protocol})");
    }

    [Fact]
    public void AnotherRequestOnAKeptAliveConnection_AllocatesNothing()
    {
        var marks = new long[Warmup + Windows * Window + 1];
        using var f = Serve(marks);
        using var c = f.Connect();
        for (int i = 0; i < marks.Length; i++)
        {
            c.Send("GET /a?b=1 HTTP/1.1\r\nHost: t\r\n\r\n");
            Assert.Equal("ok", c.ReadResponse().Body);
        }

        long perRequest = PerRequest(marks);
        Assert.True(perRequest < 8, $"{perRequest} bytes allocated per keep-alive request on the serving thread");
    }
}
