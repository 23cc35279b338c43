using System.Text;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Protocol;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class HttpRequestParserTests
{
    private static ParseResult Parse(string text, out RequestVars vars, out HttpRequestHead head, int bufferSize = 4096, string remotePort = "50000")
    {
        vars = new RequestVars();
        var server = new HttpServerVars
        {
            ServerName = "vm"u8, ServerPort = "18760"u8, RemoteAddr = "127.0.0.1"u8, RemotePort = Encoding.ASCII.GetBytes(remotePort),
        };
        return HttpRequestParser.Parse(Encoding.Latin1.GetBytes(text), bufferSize, 64, in server, vars, out head);
    }

    private static List<string> VarLines(RequestVars vars)
        => Enumerable.Range(0, vars.Count).Select(i => $"{Encoding.Latin1.GetString(vars.Key(i))}={Encoding.Latin1.GetString(vars.Value(i))}").ToList();

    [Fact]
    public void Parse_GivesUwsgiHttpSocketVars_ForTheReferenceRequest()
    {
        const string request = "GET /a%20b/c%2Fd?q=%20&x=1 HTTP/1.1\r\nHost: 127.0.0.1:18760\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n"
            + "X-Custom-Header: v1\r\nX-Custom-Header: v2\r\n\r\n";

        var r = Parse(request, out var vars, out var head);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal(request.Length, r.Consumed);
        Assert.Equal(new[]
        {
            "REQUEST_METHOD=GET", "REQUEST_URI=/a%20b/c%2Fd?q=%20&x=1", "PATH_INFO=/a b/c/d", "QUERY_STRING=q=%20&x=1",
            "SERVER_PROTOCOL=HTTP/1.1", "SCRIPT_NAME=", "SERVER_NAME=vm", "SERVER_PORT=18760", "REMOTE_ADDR=127.0.0.1",
            "REMOTE_PORT=50000", "HTTP_HOST=127.0.0.1:18760", "HTTP_USER_AGENT=curl/7.88.1", "HTTP_ACCEPT=*/*",
            "HTTP_X_CUSTOM_HEADER=v1, v2",
        }, VarLines(vars));
        Assert.True(head.Http11);
        Assert.True(head.KeepAlive);
        Assert.Equal(BodyFraming.None, head.Framing);
    }

    [Fact]
    public void Parse_OmitsRemotePort_OnUnixSockets()
    {
        Parse("GET / HTTP/1.1\r\n\r\n", out var vars, out _, remotePort: "");

        Assert.Null(vars.GetString("REMOTE_PORT"));
        Assert.Equal("", vars.GetString("QUERY_STRING"));
    }

    [Fact]
    public void Parse_MapsContentHeaders_WithoutAnHttpCopy()
    {
        var r = Parse("POST /p HTTP/1.1\r\nContent-Type: text/plain\r\ncontent-length: 10\r\n\r\n", out var vars, out var head);

        Assert.Equal(ParseStatus.Done, r.Status);
        Assert.Equal("text/plain", vars.GetString("CONTENT_TYPE"));
        Assert.Equal("10", vars.GetString("CONTENT_LENGTH"));
        Assert.Null(vars.GetString("HTTP_CONTENT_TYPE"));
        Assert.Null(vars.GetString("HTTP_CONTENT_LENGTH"));
        Assert.Equal((BodyFraming.ContentLength, 10L), (head.Framing, head.ContentLength));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true)]
    public void Parse_DecidesKeepAlive_FromVersionAndConnection(string request, bool keepAlive)
    {
        Parse(request, out _, out var head);

        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void Parse_FlagsChunkedExpectAndHead()
    {
        Parse("HEAD /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-Continue\r\n\r\n", out var vars, out var head);

        Assert.Equal(BodyFraming.Chunked, head.Framing);
        Assert.True(head.Expect100);
        Assert.True(head.IsHead);
        Assert.Equal("chunked", vars.GetString("HTTP_TRANSFER_ENCODING"));
    }

    [Fact]
    public void Parse_SkipsEmptyLinesBeforeTheRequest()
    {
        var r = Parse("\r\n\r\nGET / HTTP/1.1\r\n\r\n", out var vars, out _);

        Assert.Equal((ParseStatus.Done, 22), (r.Status, r.Consumed));
        Assert.Equal("GET", vars.GetString("REQUEST_METHOD"));
    }

    [Fact]
    public void Parse_StopsAtTheHead_LeavingAPipelinedRequest()
    {
        const string first = "GET /1 HTTP/1.1\r\n\r\n";

        var r = Parse(first + "GET /2 HTTP/1.1\r\n\r\n", out var vars, out _);

        Assert.Equal(first.Length, r.Consumed);
        Assert.Equal("/1", vars.GetString("PATH_INFO"));
    }

    [Fact]
    public void Parse_NeedsMore_ForEveryTruncatedPrefix()
    {
        const string request = "POST /a%2Fb?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nX-A: 2\r\nContent-Length: 3\r\n\r\n";
        for (int n = 0; n < request.Length; n++)
        {
            var r = Parse(request[..n], out _, out _);
            Assert.True(r.Status == ParseStatus.NeedMore, $"prefix of {n} bytes gave {r.Status} {r.Reason}");
        }
    }

    [Theory]
    [InlineData("GET /\r\n\r\n", "malformed request line")]
    [InlineData("GET  / HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("G(T / HTTP/1.1\r\n\r\n", "malformed request line")]
    [InlineData("GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version")]
    [InlineData("GET / FTP/1.0\r\n\r\n", "malformed request line")]
    [InlineData("\x01\x02garbage", "malformed request line")]
    [InlineData("GET / HTTP/1.1\r\nNoColon\r\n\r\n", "without ':'")]
    [InlineData("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", "malformed header name")]
    [InlineData("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "folding")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length")]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding")]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "chunked is not the final transfer coding")]
    public void Parse_Answers400_ForMalformedHeads(string request, string reason)
    {
        var r = Parse(request, out _, out _);

        Assert.Equal((ParseStatus.Error, 400), (r.Status, r.ErrorStatus));
        Assert.Contains(reason, r.Reason);
    }

    [Fact]
    public void Parse_Answers431_WhenTheHeadExceedsBufferSize()
    {
        string big = "GET / HTTP/1.1\r\nX-Big: " + new string('a', 200) + "\r\n\r\n";

        var complete = Parse(big, out _, out _, bufferSize: 100);
        var partial = Parse(big[..150], out _, out _, bufferSize: 100);

        Assert.Equal((ParseStatus.Error, 431), (complete.Status, complete.ErrorStatus));
        Assert.Equal((ParseStatus.Error, 431), (partial.Status, partial.ErrorStatus));
    }

    [Fact]
    public void Parse_Answers431_ForEndlessEmptyLines()
    {
        var r = Parse(string.Concat(Enumerable.Repeat("\r\n", 100)), out _, out _, bufferSize: 100);

        Assert.Equal((ParseStatus.Error, 431), (r.Status, r.ErrorStatus));
    }

    [Fact]
    public void Parse_NeverThrows_OnRandomGarbage()
    {
        var rng = new Random(99);
        const string alphabet = "GET /HTP1.\r\n:ab-xContent-Length chunked0123456789\t \x7f";
        for (int i = 0; i < 3000; i++)
        {
            var text = new string(Enumerable.Range(0, rng.Next(0, 80)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            var r = Parse(text, out _, out _, bufferSize: 64);
            Assert.True(r.Status != ParseStatus.Error || r.ErrorStatus is 400 or 431, $"{r.ErrorStatus} for {text}");
        }
    }

    [Theory]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/%2f%2F", "///")]
    [InlineData("/bad%zzescape%", "/bad%zzescape%")]
    [InlineData("/%e2%82%ac", "/\u00e2\u0082\u00ac")]
    public void PercentDecode_DecodesValidEscapes_AndKeepsOthers(string raw, string decodedLatin1)
    {
        var src = Encoding.Latin1.GetBytes(raw);
        var dst = new byte[src.Length];

        int n = HttpRequestParser.PercentDecode(src, dst);

        Assert.Equal(decodedLatin1, Encoding.Latin1.GetString(dst, 0, n));
    }
}
