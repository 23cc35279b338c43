using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Tests.Protocol;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class UwsgiServingTests
{
    private static byte[] Packet(string method, string uri, string body = "", string? protocol = "HTTP/1.1")
    {
        var b = new UwsgiPacketBuilder().Var("REQUEST_METHOD", method).Var("REQUEST_URI", uri).Var("PATH_INFO", uri.Split('?')[0])
            .Var("QUERY_STRING", uri.Contains('?') ? uri.Split('?')[1] : "").Var("REMOTE_ADDR", "10.0.0.1");
        if (protocol is not null) b.Var("SERVER_PROTOCOL", protocol);
        if (body.Length > 0) b.Var("CONTENT_LENGTH", body.Length.ToString());
        return b.Body(body).Build();
    }

    [Fact]
    public void Uwsgi_AnswersTheAppsHeadersExactly_AndCloses()
    {
        using var f = new ServingFixture(Apps.Echo, protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        c.Send(Packet("POST", "/x?a=1", "hello body"));

        var raw = c.ReadToClose();

        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\nPOST /x a=1|hello body", raw);
    }

    [Fact]
    public void Uwsgi_AddsNoFraming_AndUsesHttp10_WithoutServerProtocol()
    {
        using var f = new ServingFixture(Apps.Pieces("a", "b"), protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        c.Send(Packet("GET", "/", protocol: null));

        Assert.Equal("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nab", c.ReadToClose());
    }

    [Fact]
    public void Uwsgi_Answers400_ForAForeignModifier()
    {
        using var f = new ServingFixture(Apps.Echo, protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        c.Send(new UwsgiPacketBuilder { Modifier1 = 5 }.Var("A", "b").Build());

        Assert.StartsWith("HTTP/1.0 400 Bad Request\r\n", c.ReadToClose());
    }

    [Fact]
    public void Uwsgi_Answers431_WhenTheVarsBlockExceedsBufferSize()
    {
        using var f = new ServingFixture(Apps.Echo, o => o with { BufferSize = 64 }, protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        c.Send(Packet("GET", "/" + new string('a', 100)));

        Assert.StartsWith("HTTP/1.0 431 ", c.ReadToClose());
    }

    [Fact]
    public void Uwsgi_ServesABodySentInPieces()
    {
        using var f = new ServingFixture(Apps.Echo, protocol: SocketProtocol.Uwsgi);
        using var c = f.Connect();
        var packet = Packet("PUT", "/p", "0123456789");
        c.Send(packet[..10]);
        Thread.Sleep(20);
        c.Send(packet[10..]);

        Assert.EndsWith("PUT /p |0123456789", c.ReadToClose());
    }
}
