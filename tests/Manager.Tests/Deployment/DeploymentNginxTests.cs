using System.Net;
using System.Text.RegularExpressions;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Deployment;

/// <summary>
/// The deployment pieces run for real on loopback: docker/nginx.conf exactly (upstream host and
/// listen port substituted) in front of dotnetwsgi started from samples/nginx.ini exactly (socket
/// and admin addresses substituted), and the scale-out picture of docker/nginx-upstream.conf.
/// </summary>
[Collection("end-to-end")]
public sealed class DeploymentNginxTests
{
    private static string SampleIni(int port, int adminPort)
    {
        string ini = File.ReadAllText(Path.Combine(Repo.Root, "samples", "nginx.ini"))
            .Replace("chdir = %dflask", $"chdir = {Path.Combine(Repo.Root, "samples", "flask")}");
        ini = Regex.Replace(ini, @"(?m)^socket = :8080$", $"socket = 127.0.0.1:{port}");
        ini = Regex.Replace(ini, @"(?m)^admin-http = :9191$", $"admin-http = 127.0.0.1:{adminPort}");
        Assert.Contains($"socket = 127.0.0.1:{port}", ini);
        return ini;
    }

    [Fact]
    public async Task ExactNginxConf_ServesTheAppAndStaticFiles_FromTheExactSampleIni()
    {
        int port = Repo.FreePort();
        string staticDir = Repo.TempDir("static");
        File.WriteAllText(Path.Combine(staticDir, "hello.txt"), "static hello");
        try
        {
            using var server = new MasterInstance(SampleIni(port, Repo.FreePort())).WaitForPort(port);
            string conf = File.ReadAllText(Path.Combine(Repo.Root, "docker", "nginx.conf"))
                .Replace("uwsgi_pass flask:8080;", $"uwsgi_pass 127.0.0.1:{port};")
                .Replace("include uwsgi_params;", "include /etc/nginx/uwsgi_params;")
                .Replace("alias /usr/share/nginx/html/static/;", $"alias {staticDir}/;");
            using var nginx = new NginxFront(listenPort => conf.Replace("listen 80;", $"listen 127.0.0.1:{listenPort};"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

            var app = await http.GetAsync($"http://127.0.0.1:{nginx.Port}/");
            string body = await app.Content.ReadAsStringAsync();
            Assert.True(app.StatusCode == HttpStatusCode.OK, $"{app.StatusCode}: {body}\n{nginx.ErrorLog}\n{server.Output}");
            Assert.Equal("Hello from flask", body);
            Assert.Equal("static hello", await http.GetStringAsync($"http://127.0.0.1:{nginx.Port}/static/hello.txt"));
        }
        finally { Directory.Delete(staticDir, recursive: true); }
    }

    [Fact]
    public async Task TwoInstancesBehindOneUpstream_GracefulStopOfOneUnderLoad_FailsNoRequest()
    {
        int portA = Repo.FreePort(), portB = Repo.FreePort();
        using var a = new MasterInstance(SampleIni(portA, Repo.FreePort())).WaitForPort(portA);
        using var b = new MasterInstance(SampleIni(portB, Repo.FreePort())).WaitForPort(portB);
        string conf = File.ReadAllText(Path.Combine(Repo.Root, "docker", "nginx-upstream.conf"))
            .Replace("server flask-1:8080", $"server 127.0.0.1:{portA}")
            .Replace("server flask-2:8080", $"server 127.0.0.1:{portB}")
            .Replace("include uwsgi_params;", "include /etc/nginx/uwsgi_params;");
        using var nginx = new NginxFront(listenPort => conf.Replace("listen 80;", $"listen 127.0.0.1:{listenPort};"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string url = $"http://127.0.0.1:{nginx.Port}/";
        Assert.Equal("Hello from flask", await http.GetStringAsync(url)); // both up and warm enough

        int ok = 0;
        var failures = new List<string>();
        using var cts = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                try
                {
                    var r = await http.GetAsync(url);
                    string body = await r.Content.ReadAsStringAsync();
                    if (r.StatusCode == HttpStatusCode.OK && body == "Hello from flask") Interlocked.Increment(ref ok);
                    else lock (failures) failures.Add($"{(int)r.StatusCode} {body}");
                }
                catch (HttpRequestException e) { lock (failures) failures.Add(e.Message); }
            }
        })).ToArray();

        await Wait.UntilAsync(() => Volatile.Read(ref ok) >= 50, "traffic before the stop", TimeSpan.FromSeconds(60));
        Assert.Equal(0, Libc.Kill(a.Pid, Signals.SIGTERM)); // graceful stop of instance A
        int okAtStop = Volatile.Read(ref ok);
        await Wait.UntilAsync(() => Volatile.Read(ref ok) >= okAtStop + 100, "traffic after the stop", TimeSpan.FromSeconds(60));
        cts.Cancel();
        await Task.WhenAll(clients);

        Assert.True(failures.Count == 0, $"{failures.Count} failed requests: {string.Join("; ", failures.Take(5))}\n{nginx.ErrorLog}\n{a.Output}");
    }
}
