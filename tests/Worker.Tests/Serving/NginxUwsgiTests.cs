// nginx's uwsgi_pass in front of a uwsgi socket served in-process: the wire format as nginx really
// speaks it (vars from uwsgi_params, body after the vars, one request per connection).

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Worker.Tests.Serving;

public sealed class NginxUwsgiTests : IDisposable
{
    private const string Nginx = "/usr/sbin/nginx";
    private readonly string _dir = Directory.CreateTempSubdirectory("dnw-nginx-").FullName;
    private Process? _nginx;

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private int StartNginx(int upstreamPort)
    {
        int port = FreePort();
        File.WriteAllText(Path.Combine(_dir, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            pid {{_dir}}/nginx.pid;
            error_log {{_dir}}/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{_dir}}/body;
                proxy_temp_path {{_dir}}/proxy;
                fastcgi_temp_path {{_dir}}/fastcgi;
                uwsgi_temp_path {{_dir}}/uwsgi;
                scgi_temp_path {{_dir}}/scgi;
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        include /etc/nginx/uwsgi_params;
                        uwsgi_pass 127.0.0.1:{{upstreamPort}};
                    }
                }
            }
            """);
        _nginx = Process.Start(new ProcessStartInfo(Nginx, $"-p {_dir} -c {_dir}/nginx.conf")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        ServingFixture.WaitUntil(() => CanConnect(port) || _nginx.HasExited, "nginx to listen");
        Assert.False(_nginx.HasExited, $"nginx exited: {_nginx.StandardError.ReadToEnd()}");
        return port;
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException) { return false; }
    }

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
        int port = StartNginx(((IPEndPoint)f.EndPoint).Port);

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

    public void Dispose()
    {
        if (_nginx is { HasExited: false }) { _nginx.Kill(); _nginx.WaitForExit(30000); }
        _nginx?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
