using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.TestSupport;

/// <summary>
/// A real nginx (Debian's nginx-light) in front of dotnetwsgi, started by the test on a free loopback
/// port with a generated config: one process (master_process off), everything in a temp dir.
/// </summary>
public sealed class NginxFront : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    private readonly TestProcess _process;

    public int Port { get; }
    public string Dir { get; }

    /// <param name="location">The body of `location / { ... }`, e.g. `include uwsgi_params; uwsgi_pass 127.0.0.1:8080;`.</param>
    public NginxFront(string location)
        : this(port => $$"""
            server {
                listen 127.0.0.1:{{port}};
                server_name testhost;
                location / {
                    {{location}}
                }
            }
            """)
    {
    }

    /// <param name="servers">Builds the `server` blocks (and upstreams) of the http block from the listen port.</param>
    public NginxFront(Func<int, string> servers)
    {
        Dir = Repo.TempDir("ngx");
        Port = Repo.FreePort();
        foreach (var sub in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
            Directory.CreateDirectory(Path.Combine(Dir, sub));
        File.WriteAllText(Path.Combine(Dir, "nginx.conf"), $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{Dir}}/nginx.pid;
            error_log {{Dir}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{Dir}}/client_body;
                proxy_temp_path {{Dir}}/proxy;
                fastcgi_temp_path {{Dir}}/fastcgi;
                uwsgi_temp_path {{Dir}}/uwsgi;
                scgi_temp_path {{Dir}}/scgi;
                include /etc/nginx/mime.types;
                {{servers(Port)}}
            }
            """);
        _process = new TestProcess(Binary, ["-p", Dir + "/", "-c", Path.Combine(Dir, "nginx.conf"), "-e", Path.Combine(Dir, "error.log")],
            Dir, Signals.SIGQUIT);
        _process.WaitForPort(Port, TimeSpan.FromSeconds(30));
    }

    public string ErrorLog => File.Exists(Path.Combine(Dir, "error.log")) ? File.ReadAllText(Path.Combine(Dir, "error.log")) : "";

    public void Dispose()
    {
        _process.Dispose();
        Repo.DeleteDir(Dir);
    }
}
