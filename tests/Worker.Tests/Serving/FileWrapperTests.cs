// wsgi.file_wrapper over a regular file goes out with sendfile(2): the body is right, framed with
// Content-Length, and the file is never read through Python (its read() is not called). Other
// file-likes are iterated as before.

using System.Text;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Tests.Python;

namespace DotnetWsgi.Worker.Tests.Serving;

[Collection("Python")]
public sealed class FileWrapperTests(PythonFixture fx) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-sendfile-").FullName;

    private ServingFixture Serve() => new(
        fx.Host("file_cases", new ServerOptions { Module = "file_cases:app", PythonPath = [PythonFixture.AppsDir], Threads = 2 }),
        o => o with { Threads = 2, SocketTimeout = 30 });

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public void FileWrapper_OnARegularFile_SendsItWithSendfile_NotThroughRead(int skip)
    {
        var content = new byte[700 * 1024 + 13]; // beyond the socket buffers: sendfile must wait and resume
        new Random(7).NextBytes(content);
        string path = Path.Combine(_dir, "data.bin");
        File.WriteAllBytes(path, content);
        using var f = Serve();
        using var c = f.Connect();
        string readsBefore = Get(c, "/reads").Body;

        c.Send($"GET /file?path={Uri.EscapeDataString(path)}&skip={skip} HTTP/1.1\r\nHost: t\r\n\r\n");
        var reply = c.ReadResponse();

        Assert.Equal(200, reply.Status);
        Assert.Equal((content.Length - skip).ToString(), reply.Header("Content-Length"));
        Assert.True(Encoding.Latin1.GetBytes(reply.Body).AsSpan().SequenceEqual(content.AsSpan(skip)), "the body differs from the file");
        Assert.Equal(readsBefore, Get(c, "/reads").Body); // same connection: the framing held
    }

    [Fact]
    public void FileWrapper_OnAnInMemoryFile_IsIterated()
    {
        using var f = Serve();
        using var c = f.Connect();

        var reply = Get(c, "/memory");

        Assert.Equal(200, reply.Status);
        Assert.Equal(string.Concat(Enumerable.Repeat("in memory ", 1000)), reply.Body);
    }

    private static HttpReply Get(TestClient c, string path)
    {
        c.Send($"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
        return c.ReadResponse();
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
