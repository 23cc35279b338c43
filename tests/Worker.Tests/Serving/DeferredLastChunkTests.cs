// The last chunk of a body (a bytes result, or a list's last item) goes out after the serving thread
// has released the GIL: a request takes the GIL once, however long its send waits on a full
// socket (before, every wait released and re-took it), plus once more for a large body, whose
// reference is dropped right after the send; a small one is dropped inside the thread's next
// request. Counted with the GIL queue's tickets (every take by a serving thread draws one). A client
// that leaves during that send is logged as gone, and the chunk is dropped all the same.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Python.CPython;
using DotnetWsgi.Worker.Tests.Python;

namespace DotnetWsgi.Worker.Tests.Serving;

[Collection("Python")]
public sealed class DeferredLastChunkTests(PythonFixture fx)
{
    [Theory]
    [InlineData(1000, 1)]       // the request's own take; the chunk is dropped inside the next request
    [InlineData(16 << 20, 2)]   // far beyond the socket buffers: the send waits many times, the GIL is not re-taken
    public void TheLastChunk_IsSentWithoutTheGil(int size, int takes)
    {
        using var f = new ServingFixture(
            fx.Host("file_cases", new ServerOptions { Module = "file_cases:app", PythonPath = [PythonFixture.AppsDir], Threads = 2 }),
            o => o with { Threads = 2, SocketTimeout = 30 });
        using var c = f.Connect();
        Assert.Equal(200, Get(c, "/bytes?size=10").Status); // warm-up: its own deferred chunk is dropped in the next request
        int before = GilQueue.Tickets;

        var reply = Get(c, $"/bytes?size={size}");

        Assert.Equal(200, reply.Status);
        Assert.Equal(size.ToString(), reply.Header("Content-Length"));
        Assert.Equal(size, reply.Body.Length);
        Assert.True(reply.Body.All(ch => ch == 'x'), "the body differs");
        // The drop of a large chunk happens just after the send, possibly after the client read it all.
        Wait.Until(() => GilQueue.Tickets - before >= takes, $"{takes} GIL takes");
        Assert.Equal(takes, GilQueue.Tickets - before);
        Assert.Equal(200, Get(c, "/bytes?size=3").Status); // same connection: the framing held
    }

    [Fact]
    public void AClientThatLeavesDuringTheDeferredSend_IsLoggedAsGone_AndTheChunkIsStillDropped()
    {
        using var f = new ServingFixture(
            fx.Host("file_cases", new ServerOptions { Module = "file_cases:app", PythonPath = [PythonFixture.AppsDir], Threads = 2 }),
            o => o with { Threads = 2, SocketTimeout = 30 });
        using (var warm = f.Connect()) Assert.Equal(200, Get(warm, "/bytes?size=10").Status);
        int before = GilQueue.Tickets;

        var leaving = f.Connect();
        leaving.Socket.ReceiveBufferSize = 4096;
        leaving.Send($"GET /bytes?size={16 << 20} HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", leaving.ReadUntil("\r\n")); // the send has begun; the rest cannot fit
        leaving.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with a reset
        leaving.Dispose();

        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("client disconnected") && m.Contains("/bytes")), "the client-gone log line");
        Wait.Until(() => GilQueue.Tickets - before >= 2, "the large chunk's reference to be dropped");
        Assert.Equal(2, GilQueue.Tickets - before); // the request, and the drop after the failed send
        using var next = f.Connect();
        Assert.Equal(3, Get(next, "/bytes?size=3").Body.Length);
    }

    private static HttpReply Get(TestClient c, string path)
    {
        c.Send($"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
        return c.ReadResponse();
    }
}
