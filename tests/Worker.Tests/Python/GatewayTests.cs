using System.Text;
using System.Text.Json;

namespace DotnetWsgi.Worker.Tests.Python;

/// <summary>PEP 3333 environ and response handling with raw WSGI apps (apps/wsgi_cases.py).</summary>
[Collection("Python")]
public sealed class GatewayTests(PythonFixture fx)
{
    private JsonElement Environ(TestRequest req, int threads = 1)
    {
        var (r, ctx) = req.Run(fx.Cases("environ_json", threads));
        Assert.False(ctx.AppFailed, r.BodyText);
        return JsonDocument.Parse(r.Body).RootElement;
    }

    [Fact]
    public void Handle_WritesEveryChunkAndCompletes_ForListResult()
    {
        var (r, ctx) = new TestRequest().Run(fx.Cases("hello"));

        Assert.Equal("200 OK", r.Status);
        Assert.Equal([("Content-Type", "text/plain")], r.Headers);
        Assert.Equal("hello world", r.BodyText);
        Assert.Equal(2, ctx.Chunks);
        Assert.True(r.Completed);
        Assert.Null(r.Error);
    }

    [Fact]
    public void Handle_WritesBareBytesResult_AsOneChunk()
    {
        var (r, ctx) = new TestRequest().Run(fx.Cases("bare_bytes"));

        Assert.False(ctx.AppFailed);
        Assert.Equal("not wrapped in a list", r.BodyText);
        Assert.Equal(1, r.WriteCalls);
    }

    [Fact]
    public void Environ_HasPep3333Entries_WithUwsgiTypes()
    {
        var env = Environ(new TestRequest { Path = "/x", Query = "a=1" });
        var types = env.GetProperty("_types");

        Assert.Equal("(1, 0)", env.GetProperty("wsgi.version").GetString());
        Assert.Equal("False", env.GetProperty("wsgi.run_once").GetString());
        Assert.Equal("False", env.GetProperty("wsgi.multithread").GetString());
        Assert.Equal("False", env.GetProperty("wsgi.multiprocess").GetString());
        Assert.Equal("http", env.GetProperty("wsgi.url_scheme").GetString());
        Assert.Equal("bytes", types.GetProperty("uwsgi.version").GetString());
        Assert.Equal("bytes", types.GetProperty("uwsgi.node").GetString());
        Assert.Equal("Input", types.GetProperty("wsgi.input").GetString());
        Assert.Equal("FileWrapper", env.GetProperty("wsgi.file_wrapper").GetString()!.Split('.')[^1].TrimEnd('\'', '>'));
        Assert.False(env.TryGetProperty("uwsgi.core", out _));
        Assert.Equal("/x", env.GetProperty("PATH_INFO").GetString());
        Assert.Equal("a=1", env.GetProperty("QUERY_STRING").GetString());
        Assert.Equal("str", types.GetProperty("REQUEST_METHOD").GetString());
    }

    [Fact]
    public void Environ_SetsMultithreadAndCore_WhenThreadsAboveOne()
    {
        var env = Environ(new TestRequest { CoreId = 1 }, threads: 2);

        Assert.Equal("True", env.GetProperty("wsgi.multithread").GetString());
        Assert.Equal("1", env.GetProperty("uwsgi.core").GetString());
    }

    [Fact]
    public void Environ_KeepsLastValue_ForDuplicateVars()
    {
        var env = Environ(new TestRequest { Extra = [("HTTP_X_A", "first"), ("HTTP_X_A", "second"), ("HTTP_X_UNCOMMON_NAME", "v")] });

        Assert.Equal("second", env.GetProperty("HTTP_X_A").GetString());
        Assert.Equal("v", env.GetProperty("HTTP_X_UNCOMMON_NAME").GetString());
    }

    [Fact]
    public void Environ_DecodesLatin1_ForUtf8PathAndQuery()
    {
        // "/café/ü" as UTF-8 bytes on the wire, tunnelled through latin-1 (PEP 3333 native strings).
        string wire = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("/café/ü"));
        string query = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("q=ß"));
        var env = Environ(new TestRequest { Path = wire, Query = query });

        string pathInfo = env.GetProperty("PATH_INFO").GetString()!;
        Assert.Equal(wire, pathInfo);
        Assert.Equal("/café/ü", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(pathInfo)));
        Assert.Equal("q=ß", Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(env.GetProperty("QUERY_STRING").GetString()!)));
    }

    [Theory]
    [InlineData("UWSGI_SCHEME", "https", "https")]
    [InlineData("HTTP_X_FORWARDED_PROTO", "https", "https")]
    [InlineData("HTTPS", "on", "https")]
    [InlineData("HTTPS", "ON", "https")]
    [InlineData("HTTPS", "1", "https")]
    [InlineData("HTTPS", "off", "http")]
    [InlineData("HTTP_X_FORWARDED_SSL", "on", "https")]
    [InlineData("HTTP_X_FORWARDED_SSL", "no", "http")]
    [InlineData("HTTP_X_OTHER", "https", "http")]
    public void UrlScheme_FollowsUwsgiRules_ForVar(string name, string value, string expected)
    {
        var env = Environ(new TestRequest { Extra = [(name, value)] });

        Assert.Equal(expected, env.GetProperty("wsgi.url_scheme").GetString());
    }

    [Fact]
    public void UrlScheme_PrefersUwsgiScheme_OverForwardedProtoAndHttps()
    {
        var env = Environ(new TestRequest { Extra = [("HTTPS", "on"), ("HTTP_X_FORWARDED_PROTO", "ftp"), ("UWSGI_SCHEME", "ws")] });

        Assert.Equal("ws", env.GetProperty("wsgi.url_scheme").GetString());
    }

    [Fact]
    public void MagicUwsgiVars_NeverLoadCode_FromTheWire()
    {
        var env = Environ(new TestRequest { Extra = [("UWSGI_FILE", "/etc/passwd"), ("UWSGI_MODULE", "os"), ("UWSGI_CALLABLE", "system")] });

        // The request reached the configured app and the vars are plain environ entries.
        Assert.Equal("os", env.GetProperty("UWSGI_MODULE").GetString());
        Assert.True(env.TryGetProperty("wsgi.input", out _));
    }

    [Fact]
    public void SetCookie_KeepsEveryHeaderInOrder()
    {
        var (r, _) = new TestRequest().Run(fx.Cases("cookies"));

        Assert.Equal(new[] { "a=1", "b=2", "c=3" }, r.Headers.Where(h => h.Name == "Set-Cookie").Select(h => h.Value));
        Assert.Equal(["Set-Cookie", "Content-Type", "Set-Cookie", "Set-Cookie"], r.Headers.Select(h => h.Name));
    }

    [Fact]
    public void HeaderValue_IsLatin1Bytes_ForNonAsciiStr()
    {
        var (r, ctx) = new TestRequest().Run(fx.Cases("latin1_header"));

        Assert.False(ctx.AppFailed);
        Assert.Equal("café", r.Header("X-Name"));
    }

    [Fact]
    public void LargeResponse_ArrivesWhole_For10MB()
    {
        var (r, _) = new TestRequest().Run(fx.Cases("big"));

        Assert.Equal(10 * 1024 * 1024, r.BodyBytes);
        Assert.True(r.Body.All(b => b == (byte)'x'));
        Assert.True(r.Completed);
    }

    [Fact]
    public void Generator_StreamsEveryChunkAndCallsClose()
    {
        int before = ClosedCount();
        var (r, ctx) = new TestRequest().Run(fx.Cases("stream"));

        Assert.Equal(500, r.WriteCalls);
        Assert.Equal(500, ctx.Chunks);
        Assert.StartsWith("chunk0\nchunk1\n", r.BodyText);
        Assert.EndsWith("chunk499\n", r.BodyText);
        Assert.Equal(before + 1, ClosedCount());
    }

    [Fact]
    public void FileWrapper_IteratesInBlocksAndForwardsClose()
    {
        var (r, _) = new TestRequest().Run(fx.Cases("file_wrapper"));
        var (closed, _) = new TestRequest().Run(fx.Cases("file_wrapper_closed"));

        Assert.Equal(20000, r.BodyBytes);
        Assert.Equal(5, r.WriteCalls); // 4096-byte blocks
        Assert.Equal("True", closed.BodyText);
    }

    [Fact]
    public void Write_KeepsTheGil_ButItsBlockingHookReleasesIt()
    {
        var seen = new List<bool>();
        FakeResponse response = null!;
        response = new FakeResponse
        {
            OnWrite = () =>
            {
                var hook = response.Context!.Blocking!;
                seen.Add(GilProbe.HeldByThisThread());
                hook.Leave(); // as the serving layer does before it polls a full socket
                seen.Add(GilProbe.HeldByThisThread());
                hook.Enter();
                seen.Add(GilProbe.HeldByThisThread());
            },
        };
        new TestRequest().Run(fx.Cases("hello"), response);

        Assert.NotEmpty(seen);
        Assert.Equal(Enumerable.Repeat(new[] { true, false, true }, seen.Count / 3).SelectMany(x => x), seen); // per write
        Assert.Null(response.Context!.Blocking); // cleared once the write returns
    }

    [Fact]
    public void UwsgiModule_AnswersWorkerIdAndOptions()
    {
        var (r, _) = new TestRequest().Run(fx.Cases("uwsgi_module"));
        var json = JsonDocument.Parse(r.Body).RootElement;

        Assert.Equal(0, json.GetProperty("worker_id").GetInt32());
        Assert.Equal(1, json.GetProperty("numproc").GetInt32());
        Assert.Equal("application", json.GetProperty("opt_callable").GetString());
    }

    private int ClosedCount() => int.Parse(new TestRequest().Run(fx.Cases("closed_count")).Response.BodyText);
}
