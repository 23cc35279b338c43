// The smuggling patterns over a real loopback socket through the serving layer: a rejected request
// is answered 400/501, the app is never called, the connection is closed, and a request pipelined
// behind it on the same connection is never served.

using System.Text.RegularExpressions;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Tests.Serving;

namespace DotnetWsgi.Worker.Tests.Protocol;

public sealed class SmugglingServingTests
{
    private const string Next = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

    public static TheoryData<string, int> Rejected => new()
    {
        // CL.TE: a front end framing by Content-Length would forward the smuggled request as body
        { "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400 },
        // TE.CL
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400 },
        // TE.TE: the same codings on one line or repeated lines, obfuscated
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n", 400 },
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400 },
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity, chunked, identity, chunked\r\n\r\n0\r\n\r\n", 400 },
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400 },
        { "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501 },
        // chunked on HTTP/1.0, kept alive
        { "POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
        // duplicate Host
        { "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example.com\r\n\r\n", 400 },
        // targets outside their forms
        { "GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
        { "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
        { "GET h:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400 },
        { "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", 501 },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void BadRequest_IsAnswered_Closed_AndThePipelinedRequestIsNeverServed(string request, int status)
    {
        int calls = 0;
        using var f = new ServingFixture(ctx => { Interlocked.Increment(ref calls); Apps.Echo(ctx); });
        using var c = f.Connect();
        c.Send(request + Next);

        string all = c.ReadToClose(); // returns only once the server has closed the connection

        var statusLines = Regex.Matches(all, @"HTTP/1\.1 \d{3}").Select(m => m.Value).ToList();
        Assert.Equal(new[] { $"HTTP/1.1 {status}" }, statusLines);
        Assert.DoesNotContain("smuggled", all);
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Theory] // the body is streamed to the app, so the app runs; the framing error still ends the connection
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n")]
    public void BadChunkLine_Is400_AndThePipelinedRequestIsNeverServed(string request)
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send(request + Next);

        string all = c.ReadToClose();

        Assert.Equal(new[] { "HTTP/1.1 400" }, Regex.Matches(all, @"HTTP/1\.1 \d{3}").Select(m => m.Value));
        Assert.DoesNotContain("smuggled", all);
    }

    [Fact]
    public void UnderscoreHeader_CannotSpoofTheDashedOne_AndTheConnectionStaysUsable()
    {
        using var f = new ServingFixture(Apps.Vars);
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_For: 6.6.6.6\r\n\r\n");
        var first = c.ReadResponse();
        c.Send("GET /again HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        var second = c.ReadResponse();

        Assert.Contains("HTTP_X_FORWARDED_FOR=10.0.0.1\n", first.Body);
        Assert.DoesNotContain("6.6.6.6", first.Body);
        Assert.Equal(200, second.Status);
    }

    [Fact]
    public void UnderscoreHeader_IsKept_WithTheOption()
    {
        using var f = new ServingFixture(Apps.Vars, o => o with { UnderscoresInHeaders = true });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\nHost: h\r\nX_Api_Key: k\r\nConnection: close\r\n\r\n");

        Assert.Contains("HTTP_X_API_KEY=k\n", c.ReadResponse().Body);
    }

    [Fact]
    public void AbsoluteForm_IsServed_WithItsPathAndAuthority()
    {
        using var f = new ServingFixture(Apps.Vars);
        using var c = f.Connect();
        c.Send("GET http://example.com/p/q?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");

        var body = c.ReadResponse().Body;

        Assert.Contains("PATH_INFO=/p/q\n", body);
        Assert.Contains("QUERY_STRING=x=1\n", body);
        Assert.Contains("HTTP_HOST=example.com\n", body);
        Assert.DoesNotContain("other", body);
    }

    [Fact]
    public void ValidTransferEncodings_AreServed_OnOneKeepAliveConnection()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("POST /te HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc");
        var identity = c.ReadResponse();
        c.Send("POST /te HTTP/1.1\r\nHost: h\r\ntransfer-encoding: CHUNKED\r\n\r\n3\r\nxyz\r\n0\r\n\r\n");
        var chunked = c.ReadResponse();
        c.Send("POST /te HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
        var repeated = c.ReadResponse();

        Assert.Equal("POST /te |abc", identity.Body);
        Assert.Equal("POST /te |xyz", chunked.Body);
        Assert.Equal("POST /te |ok", repeated.Body);
    }
}
