// Real-instance tests: the published dotnetwsgi with a temp ini on free loopback ports, a tiny
// WSGI app with a slow path, and real traffic; stats are read from the real stats socket and the
// admin listener. Every process is stopped by its PID in Dispose (MasterInstance).

using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DotnetWsgi.Manager.Tests.Nginx;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class InstanceTests
{
    private const string App = """
        import time
        def application(environ, start_response):
            if environ['PATH_INFO'] == '/sleep':
                time.sleep(float(environ.get('QUERY_STRING') or '3'))
            status = '404 Not Found' if environ['PATH_INFO'] == '/missing' else '200 OK'
            start_response(status, [('Content-Type', 'text/plain')])
            return [b'ok']
        """;

    private sealed record Ports(int Http, int Stats, int Admin);

    private static (MasterInstance Server, Ports Ports) Start(string extra = "", int processes = 2)
    {
        var ports = new Ports(Repo.FreePort(), Repo.FreePort(), Repo.FreePort());
        var server = new MasterInstance($"""
            [uwsgi]
            http-socket = 127.0.0.1:{ports.Http}
            stats = 127.0.0.1:{ports.Stats}
            admin-http = 127.0.0.1:{ports.Admin}
            processes = {processes}
            threads = 1
            wsgi-file = app.py
            {extra}
            """, files: new Dictionary<string, string> { ["app.py"] = App });
        server.WaitForPort(ports.Admin);
        return (server, ports);
    }

    private static async Task<JsonElement> StatsAsync(Ports ports)
        => JsonDocument.Parse(await SocketClient.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, ports.Stats))).RootElement;

    private static async Task<(int Status, string Body)> AdminAsync(Ports ports, string path)
    {
        var (status, _, body) = SocketClient.SplitHttp(await SocketClient.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, ports.Admin), $"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"));
        return (status, body);
    }

    private static async Task<string> GetAsync(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync($"http://127.0.0.1:{port}{path}");
        return $"{(int)response.StatusCode}";
    }


    [Fact]
    public async Task Stats_CountersGrowWithTraffic_AndMetricsAgree()
    {
        var (server, ports) = Start();
        using (server)
        {
            await WaitReadyAsync(ports, 2);
            for (int i = 0; i < 5; i++) Assert.Equal("200", await GetAsync(ports.Http, "/"));
            Assert.Equal("404", await GetAsync(ports.Http, "/missing"));
            var stats = await Wait.EventuallyAsync(() => StatsAsync(ports), s => Sum(s, "requests") == 6, "requests in stats");
            Assert.Equal(2, stats.GetProperty("workers").GetArrayLength());
            Assert.True(Sum(stats, "tx") > 0);
            Assert.All(stats.GetProperty("workers").EnumerateArray(), w => Assert.True(w.GetProperty("rss").GetInt64() > 0));
            var (status, metrics) = await AdminAsync(ports, "/metrics");
            Assert.Equal(200, status);
            var samples = PrometheusText.Parse(metrics).Samples;
            Assert.Equal(6, samples["dotnetwsgi_requests_total"]);
            Assert.Equal(5, samples["dotnetwsgi_responses_total{class=\"2xx\"}"]);
            Assert.Equal(1, samples["dotnetwsgi_responses_total{class=\"4xx\"}"]);
            Assert.Equal(6, samples["dotnetwsgi_request_duration_seconds_count"]);
            Assert.Equal(Sum(stats, "tx"), samples["dotnetwsgi_tx_bytes_total"]);
        }
    }

    [Fact]
    public async Task Readyz_Is200WhileEveryWorkerIsBusy_And503DuringAStop()
    {
        // One worker with one thread: a single slow request makes every worker busy (with more workers
        // the kernel may hand both slow connections to the same one).
        var (server, ports) = Start(processes: 1);
        using (server)
        {
            await WaitReadyAsync(ports, 1);
            var slow = new[] { GetAsync(ports.Http, "/sleep?8") };
            await Wait.EventuallyAsync(() => StatsAsync(ports), s => s.GetProperty("workers").EnumerateArray().All(w => w.GetProperty("status").GetString() == "busy"), "the worker busy");
            Assert.Equal(200, (await AdminAsync(ports, "/readyz")).Status);
            Assert.Equal(200, (await AdminAsync(ports, "/healthz")).Status);
            Libc.Kill(server.Pid, Signals.SIGTERM);
            var (status, body) = await Wait.EventuallyAsync(() => AdminAsync(ports, "/readyz"), r => r.Status == 503, "readyz during the stop");
            Assert.Contains("stopping", body);
            Assert.All(await Task.WhenAll(slow), s => Assert.Equal("200", s));
        }
    }

    [Fact]
    public async Task LogReopen_WritesToTheNewFile_AfterARename()
    {
        var (server, ports) = Start("logto = app.log\nmaster-fifo = ctl.fifo");
        using (server)
        {
            string log = Path.Combine(server.Dir, "app.log"), moved = log + ".1";
            Assert.Equal("200", await GetAsync(ports.Http, "/before"));
            await Wait.EventuallyAsync(() => Task.FromResult(ReadShared(log)), t => t.Contains("/before"), "request line in the log");
            File.Move(log, moved);
            await File.WriteAllTextAsync(Path.Combine(server.Dir, "ctl.fifo"), "l");
            await Wait.EventuallyAsync(() => Task.FromResult(File.Exists(log)), e => e, "log reopened at its path");
            Assert.Equal("200", await GetAsync(ports.Http, "/after"));
            await Wait.EventuallyAsync(() => Task.FromResult(ReadShared(log)), t => t.Contains("/after"), "request line in the new log");
            Assert.DoesNotContain("/after", ReadShared(moved));
        }
    }

    private static string ReadShared(string path)
    {
        if (!File.Exists(path)) return "";
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(s).ReadToEnd();
    }

    private static async Task WaitReadyAsync(Ports ports, int workers)
        => await Wait.EventuallyAsync(() => AdminAsync(ports, "/readyz"), r => r.Status == 200 && r.Body.Contains($"{workers} worker(s)"), "readyz");

    private static long Sum(JsonElement stats, string key) => stats.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty(key).GetInt64());
}
