using DotnetWsgi.Manager.Observability;
using Serilog;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class AdminHttpServerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1795310858);

    private static (ObservabilityHost Host, StatsFixture Fx) Start(ManualClock clock, int readyWorkers = 1)
    {
        var fx = new StatsFixture();
        var options = fx.Options with { AdminHttp = "127.0.0.1:0", AdminReadyWorkers = readyWorkers };
        var host = new ObservabilityHost(options, fx.Scoreboard, clock, new KernelProbe(new FixedProc()), fx.Identity);
        host.Start(Log.Logger);
        return (host, fx);
    }

    private static async Task<(int Status, string Head, string Body)> GetAsync(ObservabilityHost host, string path, string method = "GET")
        => SocketClient.SplitHttp(await SocketClient.ExchangeAsync(host.Admin!.LocalEndPoint, $"{method} {path} HTTP/1.1\r\nHost: x\r\n\r\n"));

    [Fact]
    public async Task Readyz_Answers200_WhenEveryWorkerIsBusy()
    {
        var clock = new ManualClock(T0);
        var (host, fx) = Start(clock);
        using (fx) using (host)
        {
            host.Publish(fx.Snapshot(T0, false, WorkerPhase.Busy, WorkerPhase.Busy));
            var (status, _, body) = await GetAsync(host, "/readyz");
            Assert.Equal(200, status);
            Assert.Contains("2 worker(s) accepting", body);
        }
    }

    [Fact]
    public async Task Readyz_Answers503WithTheReason_WhileDrainingOrWithTooFewWorkers()
    {
        var clock = new ManualClock(T0);
        var (host, fx) = Start(clock, readyWorkers: 2);
        using (fx) using (host)
        {
            host.Publish(fx.Snapshot(T0, true, WorkerPhase.Ready, WorkerPhase.Ready));
            var draining = await GetAsync(host, "/readyz");
            Assert.Equal(503, draining.Status);
            Assert.Contains("stopping", draining.Body);
            host.Publish(fx.Snapshot(T0, false, WorkerPhase.Ready, WorkerPhase.Starting));
            var starting = await GetAsync(host, "/readyz");
            Assert.Equal(503, starting.Status);
            Assert.Contains("1 of 2", starting.Body);
        }
    }

    [Fact]
    public async Task Healthz_Answers503_WhenTheMasterLoopStoppedPublishing()
    {
        var clock = new ManualClock(T0);
        var (host, fx) = Start(clock);
        using (fx) using (host)
        {
            Assert.Equal(503, (await GetAsync(host, "/healthz")).Status);
            host.Publish(fx.Snapshot(T0));
            Assert.Equal(200, (await GetAsync(host, "/healthz")).Status);
            clock.Now = T0 + HealthChecks.StaleAfter + TimeSpan.FromSeconds(1);
            var stale = await GetAsync(host, "/healthz");
            Assert.Equal(503, stale.Status);
            Assert.Contains("stalled", stale.Body);
        }
    }

    [Fact]
    public async Task Metrics_IsServedAsPrometheusText_AndUnknownPathsAre404()
    {
        var clock = new ManualClock(T0);
        var (host, fx) = Start(clock);
        using (fx) using (host)
        {
            host.Publish(fx.Snapshot(T0));
            var (status, head, body) = await GetAsync(host, "/metrics");
            Assert.Equal(200, status);
            Assert.Contains("Content-Type: text/plain; version=0.0.4", head);
            Assert.True(PrometheusText.Parse(body).Samples.ContainsKey("dotnetwsgi_requests_total"));
            Assert.Equal(404, (await GetAsync(host, "/nope")).Status);
            Assert.Equal(405, (await GetAsync(host, "/metrics", "POST")).Status);
            var headOnly = await GetAsync(host, "/healthz", "HEAD");
            Assert.Equal((200, ""), (headOnly.Status, headOnly.Body));
        }
    }
}
