// Scaling events by reason: every move of the worker target (a cheaper decision, a `+`/`-` command)
// is counted in /metrics as dotnetwsgi_cheaper_events_total{direction,reason} and logged with its reason.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Observability;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class CheaperEventsTests
{
    private static Dictionary<string, double> Metrics(MasterHarness h)
    {
        var response = h.Observability!.Route("/metrics");
        Assert.Equal(200, response.Status);
        return PrometheusText.Parse(response.Body).Samples;
    }

    private static void Second(MasterHarness h)
    {
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Master.Tick();
    }

    private static void Busy(MasterHarness h, int pid, bool busy)
    {
        var core = h.Board.Slot(h.Entry(pid).Id).Core(0);
        if (busy) core.BeginRequest(1, "GET"u8, "/"u8);
        else core.EndRequest();
    }

    [Fact]
    public void SpareScaleUpAndDown_AreCountedByReason_InMetricsAndTheLog()
    {
        using var h = new MasterHarness(new ServerOptions { Processes = 4, Cheaper = 1, CheaperOverload = 1, WorkerReloadMercy = 60 }, observability: true);
        int first = h.LivePids[0];
        h.Ready(first);
        Assert.DoesNotContain(Metrics(h).Keys, k => k.StartsWith("dotnetwsgi_cheaper_events_total{", StringComparison.Ordinal));

        Busy(h, first, true);
        Second(h); // all busy for cheaper-overload: spawn
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.Equal(1, Metrics(h)["dotnetwsgi_cheaper_events_total{direction=\"up\",reason=\"all-busy\"}"]);
        Assert.True(h.Log.Contains("cheaper (spare, all-busy): 1 of 1 workers busy"));

        h.Ready(h.Launcher.ByPid.Keys.Max());
        Busy(h, first, false);
        Second(h); // two idle: cheap one
        var s = Metrics(h);
        Assert.Equal(1, s["dotnetwsgi_cheaper_events_total{direction=\"down\",reason=\"idle\"}"]);
        Assert.Equal(1, s["dotnetwsgi_cheaper_events_total{direction=\"up\",reason=\"all-busy\"}"]);
        Assert.True(h.Log.Contains("cheaper (spare, idle): 0 of 2 workers busy"));
    }

    [Fact]
    public void AddAndRemoveCommands_CountAsCommandEvents_OnlyWhenTheTargetMoves()
    {
        using var h = new MasterHarness(new ServerOptions { Processes = 2, WorkerReloadMercy = 60 }, observability: true);
        h.ReadyAll();
        h.Command(MasterCommand.RemoveWorker);
        h.Command(MasterCommand.RemoveWorker); // already at one worker: no move
        h.Command(MasterCommand.AddWorker);
        h.Master.Tick();
        var s = Metrics(h);
        Assert.Equal(1, s["dotnetwsgi_cheaper_events_total{direction=\"down\",reason=\"command\"}"]);
        Assert.Equal(1, s["dotnetwsgi_cheaper_events_total{direction=\"up\",reason=\"command\"}"]);
    }
}
