// nginx's uwsgi_pass in front of a uwsgi socket served in-process: the wire format as nginx really
// speaks it (vars from uwsgi_params, body after the vars, one request per connection).

using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class NginxUwsgiTests
{
    private const string Nginx = NginxFront.Binary;

    /// <summary>Skips (saying why) where nginx is not installed.</summary>
    public sealed class NginxFactAttribute : FactAttribute
    {
        public NginxFactAttribute()
        {
            if (!File.Exists(Nginx)) Skip = $"nginx is not installed at {Nginx}";
        }
    }

    [NginxFact]
    public void Nginx_GetsTheAppsResponse_ThroughUwsgiPass()
    {
        using var f = new ServingFixture(Apps.Echo, protocol: SocketProtocol.Uwsgi);
        using var nginx = new NginxFront($"include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:{((IPEndPoint)f.EndPoint).Port};");
        int port = nginx.Port;

        var replies = new List<HttpReply>();
        using (var c = new TestClient(new IPEndPoint(IPAddress.Loopback, port)))
        {
            c.Send("POST /x%20y?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhello body");
            replies.Add(c.ReadResponse());
            c.Send("GET /again HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            replies.Add(c.ReadResponse());
        }

        Assert.Equal((200, "POST /x y a=1|hello body"), (replies[0].Status, replies[0].Body));
        Assert.Equal((200, "GET /again |abc"), (replies[1].Status, replies[1].Body));
    }
}
