// The real Python host behind the real serving layer over loopback: the paths where the two meet
// (chunked bodies reaching Flask, body-read failures as Python exceptions, streaming generators).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Python;
using DotnetWsgi.Worker.Tests.Python;

namespace DotnetWsgi.Worker.Tests.Serving;

[Collection("Python")]
public sealed class PythonServingTests(PythonFixture fx)
{
    private ServingFixture Serve(int socketTimeout = 2) => new(
        fx.Host("serving_cases", new ServerOptions { Module = "serving_cases:app", PythonPath = [PythonFixture.AppsDir], Threads = 2 }),
        o => o with { Threads = 2, SocketTimeout = socketTimeout });

    [Fact]
    public void BlockedWrite_ReleasesTheGil_SoTheOtherThreadServes()
    {
        // socket-timeout far beyond the client's 30 s wait: only a released GIL lets the echo through.
        using var f = Serve(socketTimeout: 120);
        using var stuck = f.Connect();
        stuck.Send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"); // never read: the worker's write blocks
        stuck.ReadUntil("HTTP/1.1 200");
        using var c = f.Connect();
        c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");

        Assert.Equal("2:hi", c.ReadResponse().Body);
    }

    [Fact]
    public void ChunkedPost_ReachesFlask_WithoutContentLength()
    {
        using var f = Serve();
        using var c = f.Connect();
        c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        c.Send("6\r\n world\r\n0\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal(200, reply.Status);
        Assert.Equal("11:hello world", reply.Body);
    }

    [Fact]
    public void StalledBody_SurfacesAsOSError_WithUwsgiWording()
    {
        var seen = Path.Combine(Path.GetTempPath(), $"dnw-stall-{Guid.NewGuid():N}");
        try
        {
            using var f = Serve();
            using var c = f.Connect();
            c.Send($"POST /read?out={seen} HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"); // then stall past socket-timeout

            var reply = c.ReadResponse();
            Wait.Until(() => File.Exists(seen) && File.ReadAllText(seen).Length > 0, "the app to record its exception");

            Assert.Equal(408, reply.Status);
            Assert.Equal("OSError: timeout during read(10) on wsgi.input", File.ReadAllText(seen));
        }
        finally
        {
            File.Delete(seen);
        }
    }

    [Fact]
    public void GeneratorResponse_SendsFirstChunk_BeforeTheSecondIsProduced()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"dnw-stream-{Guid.NewGuid():N}");
        try
        {
            using var f = Serve();
            using var c = f.Connect();
            c.Send($"GET /stream?marker={marker} HTTP/1.1\r\nHost: t\r\n\r\n");

            var first = c.ReadUntil("first;");
            Assert.DoesNotContain("second;", first);
            File.WriteAllText(marker, "go");
            var all = c.ReadUntil("0\r\n\r\n");

            Assert.Contains("Transfer-Encoding: chunked", all);
            Assert.Contains("second;", all);
            Assert.DoesNotContain("gave up;", all);
        }
        finally
        {
            File.Delete(marker);
        }
    }
}
