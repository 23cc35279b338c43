using DotnetWsgi.Worker.Serving;

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
}
