// Recycling is replace-before-retire: a worker that reached max-requests (or reload-on-rss/as) asks
// for it in its scoreboard slot and keeps serving; the master starts one replacement at a time and
// retires the old worker only once the replacement accepts, so recycles that fall due together never
// leave fewer accepting workers than wanted.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class RecycleTests
{
    private static ServerOptions Options(int processes) => new() { Processes = processes, WorkerReloadMercy = 60 };

    private static void AskRecycle(MasterHarness h, int pid) => h.Board.Slot(h.Entry(pid).Id).RecycleDueMs = 1;

    private static int Accepting(MasterHarness h) => h.Master.Table.Live.Count(w => w.IsAccepting);

    [Fact]
    public void RecyclesDueTogether_AreReplacedOneAtATime_NeverBelowTheTargetAccepting()
    {
        using var h = new MasterHarness(Options(4));
        h.ReadyAll();
        var old = h.LivePids.ToList();
        foreach (int pid in old) AskRecycle(h, pid);
        h.Master.Tick();

        for (int round = 0; round < 4; round++)
        {
            Assert.Equal(5 + round, h.Launcher.Spawns.Count); // exactly one replacement starting
            Assert.Equal(4, Accepting(h));
            int replacement = h.Launcher.ByPid.Keys.Max();
            h.Ready(replacement);
            var retired = old.Where(p => h.Launcher.SignalsTo(p).Contains(Signals.SIGTERM)).ToList();
            Assert.Equal(round + 1, retired.Count); // one old worker retired per accepting replacement
            Assert.True(Accepting(h) >= 4);
            h.Exit(retired.Last(), WorkerContract.ExitOk);
            h.Master.Tick();
        }
        Assert.Equal(8, h.Launcher.Spawns.Count);
        Assert.All(old, p => Assert.Null(h.Master.Table.ByPid(p)));
        Assert.Equal(RolloutMode.None, h.Master.RolloutMode);
    }

    [Fact]
    public void RecycledWorker_IsNotSignalled_UntilItsReplacementAccepts()
    {
        using var h = new MasterHarness(Options(1));
        int pid = h.LivePids[0];
        h.Ready(pid);
        AskRecycle(h, pid);
        h.Master.Tick();
        h.Master.Tick();
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.Empty(h.Launcher.SignalsTo(pid));
        h.Ready(h.Launcher.ByPid.Keys.Max());
        Assert.Equal([Signals.SIGTERM], h.Launcher.SignalsTo(pid));
        Assert.True(h.Log.Contains($"worker 1 (pid: {pid}) replaced (recycle): its replacement accepts"));
    }

    [Fact]
    public void AReloadDuringRecycles_IsNotIgnored_AndReplacesEveryWorkerInParallel()
    {
        using var h = new MasterHarness(Options(3));
        h.ReadyAll();
        AskRecycle(h, h.LivePids[0]);
        h.Master.Tick();
        Assert.Equal(4, h.Launcher.Spawns.Count);
        h.Command(MasterCommand.GracefulReload);
        Assert.False(h.Log.Contains("a reload is already in progress"));
        Assert.Equal(RolloutMode.Parallel, h.Master.RolloutMode);
        // every worker of the old generation is replaced, the recycle's starting replacement included: 3 at once
        Assert.Equal(7, h.Launcher.Spawns.Count);
        Assert.All(h.Launcher.Spawns.Skip(4), s => Assert.Equal(2, s.Generation));
    }
}
