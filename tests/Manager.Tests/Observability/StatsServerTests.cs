using System.Net.Sockets;
using System.Text.Json;
using DotnetWsgi.Manager.Observability;
using Serilog;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class StatsServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StatsServer_WritesTheDocumentAndCloses_OnConnect()
    {
        using var server = StatsServer.Start("127.0.0.1:0", () => "{\"version\":\"x\"}", http: false, Timeout, Log.Logger);
        var endPoint = server.LocalEndPoint;
        Assert.Equal("{\"version\":\"x\"}", await SocketClient.ExchangeAsync(endPoint));
    }

    [Fact]
    public async Task StatsServer_AnswersHttpWithUwsgiHeaders_AfterRequestBytes_WhenStatsHttp()
    {
        using var server = StatsServer.Start("127.0.0.1:0", () => "{}", http: true, Timeout, Log.Logger);
        string response = await SocketClient.ExchangeAsync(server.LocalEndPoint, "GET / HTTP/1.1\r\n\r\n");
        Assert.Equal(StatsServer.HttpHead + "{}", response);
        Assert.StartsWith("HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: application/json\r\n\r\n", response);
    }

    [Fact]
    public async Task StatsServer_ServesOthers_WhileAnHttpClientStaysSilent()
    {
        using var server = StatsServer.Start("127.0.0.1:0", () => "{}", http: true, Timeout, Log.Logger);
        var endPoint = server.LocalEndPoint;
        using var silent = await SocketClient.ConnectAsync(endPoint);
        var others = Enumerable.Range(0, 3).Select(_ => SocketClient.ExchangeAsync(endPoint, "x"));
        foreach (var answer in await Task.WhenAll(others)) Assert.EndsWith("\r\n\r\n{}", answer);
        Assert.Equal(0, silent.Available);
    }

    [Fact]
    public async Task StatsServer_ListensOnAUnixSocket_AndRemovesItOnDispose()
    {
        string dir = Directory.CreateTempSubdirectory("obs-stats-").FullName;
        string path = Path.Combine(dir, "stats.sock");
        try
        {
            using (var server = StatsServer.Start(path, () => "{\"a\":1}", http: false, Timeout, Log.Logger))
            {
                Assert.Equal(path, server.Address);
                Assert.Equal("{\"a\":1}", await SocketClient.ExchangeAsync(new UnixDomainSocketEndPoint(path)));
            }
            Assert.False(File.Exists(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ObservabilityHost_ServesTheReportOfThePublishedSnapshot()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        var options = fx.Options with { Stats = "127.0.0.1:0", StatsMinified = true };
        using var host = new ObservabilityHost(options, fx.Scoreboard, TimeProvider.System, new KernelProbe(new FixedProc()), fx.Identity);
        host.Start(Log.Logger);
        host.Publish(fx.Snapshot(DateTimeOffset.UtcNow));
        string json = await SocketClient.ExchangeAsync(host.Stats!.LocalEndPoint);
        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(2, doc.RootElement.GetProperty("workers").GetArrayLength());
        Assert.Equal(16611, doc.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact]
    public void StatsServer_FailsWithOneLine_WhenTheAddressIsTaken()
    {
        using var first = StatsServer.Start("127.0.0.1:0", () => "{}", http: false, Timeout, Log.Logger);
        var e = Assert.Throws<ObservabilityAddressException>(() => StatsServer.Start(first.Address, () => "{}", http: false, Timeout, Log.Logger));
        Assert.StartsWith($"stats = {first.Address}: cannot listen", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
