using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Manager.Tests.Observability;
using DotnetWsgi.Manager.Top;
using Serilog;

namespace DotnetWsgi.Manager.Tests.Top;

public sealed class TopCommandTests
{
    private static string Binary => Path.Combine(AppContext.BaseDirectory, "dotnetwsgi");

    private static ObservabilityHost StartStats(StatsFixture fx)
    {
        var host = new ObservabilityHost(fx.Options with { Stats = "127.0.0.1:0" }, fx.Scoreboard, TimeProvider.System, new FixedProbe(), fx.Identity);
        host.Start(Log.Logger);
        host.Publish(fx.Snapshot(DateTimeOffset.UtcNow));
        return host;
    }

    [Theory]
    [InlineData("q")]
    [InlineData("C-c")]
    public async Task Top_ShowsTheWorkersAndQuitsCleanly_OnKey(string key)
    {
        Assert.True(TmuxSession.Available, "tmux is needed to drive top in a terminal");
        using var fx = new StatsFixture().WithSampleTraffic();
        using var stats = StartStats(fx);
        using var tmux = new TmuxSession($"{Binary} top {stats.Stats!.Address}");
        bool shown = await TmuxSession.WaitUntilAsync(() =>
        {
            var screen = tmux.Capture();
            return screen.Contains("16613") && screen.Contains("16614") && screen.Contains("GET /sleep/3") && screen.Contains("busy");
        });
        Assert.True(shown, "top did not show both workers:\n" + tmux.Capture());
        Assert.Contains("requests 1", tmux.Capture());

        tmux.SendKeys(key);
        Assert.True(await TmuxSession.WaitUntilAsync(() => tmux.ExitStatus() is not null), "top did not quit:\n" + tmux.Capture());
        Assert.True(tmux.ExitStatus() == 0, "top did not exit with 0:\n" + tmux.Capture());
        Assert.DoesNotContain("GET /sleep/3", tmux.Capture());
    }

    [Fact]
    public async Task Top_FailsWithOneLine_WhenNothingListens()
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("top");
        psi.ArgumentList.Add($"127.0.0.1:{Repo.FreePort()}");
        using var top = System.Diagnostics.Process.Start(psi)!;
        try
        {
            var stderr = top.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await top.WaitForExitAsync(cts.Token);
            Assert.Equal(1, top.ExitCode);
            string line = (await stderr).TrimEnd('\n');
            Assert.StartsWith("dotnetwsgi top: cannot read stats from 127.0.0.1:", line);
            Assert.DoesNotContain('\n', line);
        }
        finally
        {
            if (!top.HasExited) top.Kill();
        }
    }

    [Fact]
    public async Task StatsClient_ReadsPlainAndHttpStatsServers()
    {
        foreach (bool http in new[] { false, true })
        {
            using var server = StatsServer.Start("127.0.0.1:0", () => "{\"x\":1}", http, TimeSpan.FromSeconds(30), Log.Logger);
            var client = new StatsClient(server.Address, TimeSpan.FromSeconds(30));
            Assert.Equal("{\"x\":1}", await client.FetchAsync(CancellationToken.None));
        }
    }

    [Fact]
    public void TopModel_ReadsWorkersRequestsAndElapsed_FromAStatsDocument()
    {
        using var fx = new StatsFixture().WithSampleTraffic();
        string json = fx.Report().Render(fx.Snapshot(DateTimeOffset.UtcNow), minified: false);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(StatsFixture.RequestStartMs) + TimeSpan.FromSeconds(2);
        var model = TopModel.Parse(json, now);
        Assert.Equal([16613, 16614], model.Workers.Select(w => w.Pid));
        Assert.Equal("GET /sleep/3", model.Workers[0].Request);
        Assert.InRange(model.Workers[0].Elapsed!.Value.TotalSeconds, 2, 3);
        Assert.Null(model.Workers[1].Request);
        Assert.Equal(1, model.TotalRequests);
        Assert.Equal(1, model.Busy);
    }
}
