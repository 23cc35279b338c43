using System.Text.Json;
using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Tests.Observability;

public sealed class PrometheusFormatterTests
{
    [Fact]
    public void Render_ParsesAsPrometheusText_AndAgreesWithTheStatsJson()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        var report = fx.Report();
        var snapshot = fx.Snapshot(DateTimeOffset.UtcNow);
        var (samples, types) = PrometheusText.Parse(new PrometheusFormatter(fx.Scoreboard, report, new KernelProbe(new FixedProc())).Render(snapshot));
        using var stats = JsonDocument.Parse(report.Render(snapshot, minified: false));
        var workers = stats.RootElement.GetProperty("workers").EnumerateArray().ToList();

        Assert.Equal(workers.Sum(w => w.GetProperty("requests").GetInt64()), samples["dotnetwsgi_requests_total"]);
        Assert.Equal(workers.Sum(w => w.GetProperty("tx").GetInt64()), samples["dotnetwsgi_tx_bytes_total"]);
        Assert.Equal(stats.RootElement.GetProperty("load").GetInt64(), samples["dotnetwsgi_requests_in_flight"]);
        foreach (var w in workers)
        {
            string id = w.GetProperty("id").GetInt32().ToString();
            Assert.Equal(w.GetProperty("requests").GetInt64(), samples[$"dotnetwsgi_worker_requests_total{{worker=\"{id}\"}}"]);
            Assert.Equal(w.GetProperty("rss").GetInt64(), samples[$"dotnetwsgi_worker_rss_bytes{{worker=\"{id}\"}}"]);
        }
        Assert.Equal(stats.RootElement.GetProperty("sockets")[0].GetProperty("queue").GetInt64(), samples["dotnetwsgi_listen_queue{socket=\"127.0.0.1:18730\"}"]);
        Assert.Equal("histogram", types["dotnetwsgi_request_duration_seconds"]);
    }

    [Fact]
    public void Render_CountsStatusClassesLatencyBucketsAndRespawnReasons()
    {
        using var fx = new StatsFixture();
        var slot = fx.Scoreboard.Slot(1);
        foreach (var (status, us) in new[] { (200, 1_000L), (204, 7_000L), (404, 30_000L), (500, 20_000_000L) })
        {
            slot.RecordRequest(10, us, exception: status == 500);
            slot.RecordResponse(status, us);
        }
        var text = new PrometheusFormatter(fx.Scoreboard, fx.Report(), new KernelProbe(new FixedProc())).Render(fx.Snapshot(DateTimeOffset.UtcNow));
        var (s, _) = PrometheusText.Parse(text);
        Assert.Equal(2, s["dotnetwsgi_responses_total{class=\"2xx\"}"]);
        Assert.Equal(0, s["dotnetwsgi_responses_total{class=\"3xx\"}"]);
        Assert.Equal(1, s["dotnetwsgi_responses_total{class=\"4xx\"}"]);
        Assert.Equal(1, s["dotnetwsgi_responses_total{class=\"5xx\"}"]);
        Assert.Equal(1, s["dotnetwsgi_request_duration_seconds_bucket{le=\"0.005\"}"]);
        Assert.Equal(2, s["dotnetwsgi_request_duration_seconds_bucket{le=\"0.01\"}"]);
        Assert.Equal(3, s["dotnetwsgi_request_duration_seconds_bucket{le=\"10\"}"]);
        Assert.Equal(4, s["dotnetwsgi_request_duration_seconds_bucket{le=\"+Inf\"}"]);
        Assert.Equal(20.038, s["dotnetwsgi_request_duration_seconds_sum"], 6);
        Assert.Equal(1, s["dotnetwsgi_exceptions_total"]);
        Assert.Equal(2, s["dotnetwsgi_worker_respawns_total{reason=\"crash\"}"]);
        Assert.Equal(1, s["dotnetwsgi_worker_respawns_total{reason=\"max-requests\"}"]);
        Assert.Equal(1, s["dotnetwsgi_workers{phase=\"busy\"}"]);
    }

    [Fact]
    public void Render_KeepsCountersOfAWorkerThatLeftTheTable()
    {
        using var fx = new StatsFixture();
        fx.Scoreboard.Slot(3).RecordRequest(1, 1, exception: false);
        var (s, _) = PrometheusText.Parse(new PrometheusFormatter(fx.Scoreboard, fx.Report(), new KernelProbe(new FixedProc())).Render(fx.Snapshot(DateTimeOffset.UtcNow)));
        Assert.Equal(1, s["dotnetwsgi_requests_total"]);
        Assert.False(s.ContainsKey("dotnetwsgi_worker_requests_total{worker=\"3\"}"));
    }

    [Fact]
    public void PrometheusText_RejectsACounterWithoutTotal()
    {
        Assert.ThrowsAny<Exception>(() => PrometheusText.Parse("# HELP x_requests n\n# TYPE x_requests counter\nx_requests 1\n"));
        Assert.ThrowsAny<Exception>(() => PrometheusText.Parse("x_total 1\n"));
    }

    [Fact]
    public void WorkerSlot_LatencyBucketBounds_AreAscending()
    {
        var b = WorkerSlot.LatencyBucketsUs.ToArray();
        Assert.Equal(b.Order(), b);
    }
}
