using System.Text;
using DotnetWsgi.Worker.Hosting;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class HttpServingTests
{
    [Fact]
    public void Http_ServesTwoRequests_OnOneKeepAliveConnection()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("GET /a%20b?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
        var first = c.ReadResponse();
        c.Send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        var second = c.ReadResponse();

        Assert.Equal("HTTP/1.1 200 OK", first.StatusLine);
        Assert.Equal("GET /a b x=1|", first.Body);
        Assert.Null(first.Header("connection"));
        Assert.Equal("POST /p |hello", second.Body);
    }

    [Fact]
    public void Http_AnswersPipelinedRequests_InOrder()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nConnection: close\r\n\r\n");

        var bodies = new[] { c.ReadResponse().Body, c.ReadResponse().Body, c.ReadResponse().Body };

        Assert.Equal(new[] { "POST /1 |abc", "GET /2 |", "GET /3 |" }, bodies);
        Assert.True(c.IsClosedByPeer());
    }

    [Fact]
    public void Http_DecodesAChunkedRequestBody()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        c.Send("6;x=y\r\n world\r\n0\r\nT: 1\r\n\r\n");

        Assert.Equal("POST /c |hello world", c.ReadResponse().Body);
    }

    [Fact]
    public void Http_AddsContentLength_WhenTheBodyIsOneChunk()
    {
        using var f = new ServingFixture(Apps.Pieces("hello"));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal(("5", null, "hello"), (reply.Header("content-length"), reply.Header("transfer-encoding"), reply.Body));
    }

    [Fact]
    public void Http_UsesChunkedEncoding_ForSeveralChunksOnHttp11()
    {
        using var f = new ServingFixture(Apps.Stream("one,", "two,", new string('x', 40000)));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var reply = c.ReadResponse();
        c.Send("GET /again HTTP/1.1\r\n\r\n");
        var again = c.ReadResponse();

        Assert.Equal("chunked", reply.Header("transfer-encoding"));
        Assert.Null(reply.Header("content-length"));
        Assert.Equal("one,two," + new string('x', 40000), reply.Body);
        Assert.Equal(reply.Body, again.Body);
    }

    [Fact]
    public void Http_AddsContentLength_WhenAllChunksAreKnown()
    {
        using var f = new ServingFixture(Apps.Pieces("one,", "two"));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal(("7", null, "one,two"), (reply.Header("content-length"), reply.Header("transfer-encoding"), reply.Body));
    }

    [Fact]
    public void Http_DelimitsByClose_ForSeveralChunksOnHttp10()
    {
        using var f = new ServingFixture(Apps.Stream("a", "b"));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal("HTTP/1.0 200 OK", reply.StatusLine);
        Assert.Equal("close", reply.Header("connection"));
        Assert.Equal("ab", reply.Body);
    }

    [Fact]
    public void Http_KeepsHttp10Alive_WhenAskedAndTheLengthIsKnown()
    {
        using var f = new ServingFixture(Apps.Pieces("a"));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var first = c.ReadResponse();
        c.Send("GET / HTTP/1.0\r\n\r\n");
        var second = c.ReadResponse();

        Assert.Equal("keep-alive", first.Header("connection"));
        Assert.Equal("close", second.Header("connection"));
        Assert.True(c.IsClosedByPeer());
    }

    [Fact]
    public void Http_Sends100Continue_BeforeTheBodyIsRead()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");

        var interim = c.ReadResponse();
        c.Send("data");
        var final = c.ReadResponse();

        Assert.Equal("HTTP/1.1 100 Continue", interim.StatusLine);
        Assert.Equal("PUT /u |data", final.Body);
    }

    [Fact]
    public void Http_SendsHeadersButNoBody_ForHead()
    {
        using var f = new ServingFixture(Apps.Pieces("hello"));
        using var c = f.Connect();
        c.Send("HEAD / HTTP/1.1\r\n\r\n");
        var head = c.ReadResponse(headRequest: true);
        c.Send("GET / HTTP/1.1\r\n\r\n");
        var get = c.ReadResponse();

        Assert.Equal("5", head.Header("content-length"));
        Assert.Equal("HTTP/1.1 200 OK", get.StatusLine); // no stray body bytes were sent after the HEAD head
        Assert.Equal("hello", get.Body);
    }

    [Fact]
    public void Http_NeverSendsMoreThanTheDeclaredLength_AndCloses()
    {
        using var f = new ServingFixture(ctx =>
        {
            ctx.Response.Start("200 OK"u8);
            ctx.Response.AddHeader("Content-Length"u8, "3"u8);
            ctx.Response.Write("hello"u8);
            ctx.Response.Write("more"u8);
        });
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal("hel", reply.Body);
        Assert.True(c.IsClosedByPeer());
        Wait.Until(() => f.Sink.Messages.Any(m => m.Contains("more than its Content-Length")), "the Content-Length log line");
    }

    [Fact]
    public void Http_ClosesTheConnection_WhenTheClientAsks()
    {
        using var f = new ServingFixture(Apps.Echo);
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal("close", reply.Header("connection"));
        Assert.True(c.IsClosedByPeer());
    }

    [Fact]
    public void Http_CompletesTheResponse_WhenTheHostDoesNot()
    {
        using var f = new ServingFixture(Apps.Vars);
        using var c = f.Connect();
        c.Send("GET /v?q=1 HTTP/1.1\r\nX-A: 1\r\nX-A: 2\r\n\r\n");

        var body = c.ReadResponse().Body;

        Assert.Contains("HTTP_X_A=1, 2\n", body);
        Assert.Contains("REMOTE_ADDR=127.0.0.1\n", body);
        Assert.Contains($"SERVER_PORT={((System.Net.IPEndPoint)f.EndPoint).Port}\n", body);
        Assert.Matches("REMOTE_PORT=[0-9]+\n", body);
    }

    [Fact]
    public void Http_Answers500_WhenTheHostThrowsBeforeTheHead()
    {
        using var f = new ServingFixture(_ => throw new InvalidOperationException("boom"));
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var reply = c.ReadResponse();

        Assert.Equal(500, reply.Status);
        Assert.Equal("close", reply.Header("connection"));
    }

    [Fact]
    public void Http_ReportsRemoteAddrAndPort80_OnUnixSockets()
    {
        using var f = new ServingFixture(Apps.Vars, unix: true);
        using var c = f.Connect();
        c.Send("GET / HTTP/1.1\r\n\r\n");

        var body = c.ReadResponse().Body;

        Assert.Contains("REMOTE_ADDR=0.0.0.0\n", body);
        Assert.Contains("SERVER_PORT=80\n", body);
        Assert.DoesNotContain("REMOTE_PORT=", body);
    }
}
