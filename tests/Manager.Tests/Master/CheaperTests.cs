// The cheaper subsystem: the worker count moves between `cheaper` and `processes` by the algorithm's
// decisions; a new worker counts only once it accepts; a cheaped worker is an idle one, stopped
// gracefully; the stats show empty slots as cheap.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Master.Cheaper;
using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class CheaperTests
{
    private static ServerOptions Options(string algo = "spare") => new()
    {
        Processes = 4, Cheaper = 1, CheaperOverload = 1, CheaperAlgo = algo, WorkerReloadMercy = 60,
    };

    private static void Busy(MasterHarness h, int pid, bool busy)
    {
        var core = h.Board.Slot(h.Entry(pid).Id).Core(0);
        if (busy) core.BeginRequest(1, "GET"u8, "/"u8);
        else core.EndRequest();
    }

    private static void Second(MasterHarness h)
    {
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Master.Tick();
    }

    [Fact]
    public void Spare_SpawnsWhenAllAreBusy_CountsANewWorkerOnceItAccepts_AndCheapsAnIdleOne()
    {
        using var h = new MasterHarness(Options());
        Assert.Single(h.Launcher.Spawns); // cheaper-initial defaults to cheaper
        int first = h.LivePids[0];
        h.Ready(first);
        Busy(h, first, true);
        Second(h);
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Second(h);
        Second(h);
        Assert.Equal(2, h.Launcher.Spawns.Count); // the new one is still starting: no second spawn

        int second = h.Launcher.ByPid.Keys.Max();
        h.Ready(second);
        Second(h);
        Assert.Equal(2, h.Launcher.Spawns.Count); // one idle spare: steady

        Busy(h, first, false);
        Second(h); // two idle: cheap one
        Assert.Single(h.Master.Table.Live);
        var cheaped = h.Launcher.Signals.Single();
        Assert.Equal(Signals.SIGTERM, cheaped.Signal);
        Assert.Equal(StopReason.Cheaped, h.Entry(cheaped.Pid).StopReason);
        Assert.True(h.Log.Contains("cheaping one worker"));
        Second(h);
        Assert.Single(h.Master.Table.Live); // never below cheaper
    }

    [Fact]
    public void UnknownAlgorithm_FallsBackToSpare_WithAWarning()
    {
        using var h = new MasterHarness(Options("nonesuch"));
        Assert.True(h.Log.Contains("cheaper-algo = nonesuch is unknown"));
        Assert.True(h.Master.CheaperEnabled);
    }

    [Fact]
    public void CheaperNotBelowProcesses_RunsEveryProcess()
    {
        using var h = new MasterHarness(Options() with { Cheaper = 4 });
        Assert.Equal(4, h.Launcher.Spawns.Count);
        Assert.False(h.Master.CheaperEnabled);
    }

    [Fact]
    public void Spare2_KeepsCheaperIdleWorkers()
    {
        var algo = new Spare2Algorithm(new ServerOptions { Processes = 8, Cheaper = 2, CheaperStep = 4, CheaperIdle = 2 });
        Assert.Equal(2, algo.Decide(new CheaperSample(2, 2, 0, 0)));
        Assert.Equal(0, algo.Decide(new CheaperSample(4, 2, 0, 0)));
        Assert.Equal(0, algo.Decide(new CheaperSample(4, 1, 0, 0)));
        Assert.Equal(-1, algo.Decide(new CheaperSample(4, 1, 0, 0))); // 3 idle for cheaper-idle seconds
    }

    [Fact]
    public void Backlog_SpawnsAboveTheOverloadQueue_CheapsWhenItStaysEmpty()
    {
        var algo = new BacklogAlgorithm(new ServerOptions { CheaperOverload = 3, CheaperStep = 2 });
        Assert.Equal(2, algo.Decide(new CheaperSample(2, 2, 4, 0)));
        Assert.Equal(0, algo.Decide(new CheaperSample(2, 2, 3, 0)));
        Assert.Equal(0, algo.Decide(new CheaperSample(2, 0, 0, 0)));
        Assert.Equal(0, algo.Decide(new CheaperSample(2, 0, 0, 0)));
        Assert.Equal(-1, algo.Decide(new CheaperSample(2, 0, 0, 0)));
    }

    [Fact]
    public void Busyness_SpawnsAboveMax_CheapsBelowMin()
    {
        var algo = new BusynessAlgorithm(new ServerOptions { CheaperOverload = 1, CheaperBusynessMin = 20, CheaperBusynessMax = 60, CheaperBusynessMultiplier = 1 });
        Assert.Equal(1, algo.Decide(new CheaperSample(2, 2, 0, 0.9)));
        Assert.Equal(0, algo.Decide(new CheaperSample(2, 1, 0, 0.4)));
        Assert.Equal(-1, algo.Decide(new CheaperSample(2, 0, 0, 0.1)));
    }

    [Fact]
    public void Snapshot_ShowsTheSlotsWithoutAWorker_AsCheapWithPidZero()
    {
        var w = new WorkerEntry(1, 4242, 1, DateTimeOffset.UnixEpoch, 0);
        w.MarkReady();
        var snapshot = MasterSnapshot.Build([w], [], 100, new RespawnLedger(), false, false, DateTimeOffset.UnixEpoch, cheapUpTo: 3);
        Assert.Equal([(1, 4242, WorkerPhase.Ready), (2, 0, WorkerPhase.Cheap), (3, 0, WorkerPhase.Cheap)],
            snapshot.Workers.Select(v => (v.Id, v.Pid, v.Phase)));
        Assert.Equal(1, snapshot.AcceptingCount);
    }
}
