// The small types the master's state is made of: Rollout, SpawnThrottle, PeriodicChecks,
// MemoryPolicy, StopReason labels, and kinds in the table.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class MasterStateTests
{
    [Fact]
    public void Rollout_StartsAllReplacementsInParallel_OneAtATimeOtherwise()
    {
        var r = new Rollout();
        r.Begin(RolloutMode.Parallel, "c1");
        Assert.Equal((1, "c1"), (r.Generation, r.ConfigPath));
        Assert.Equal(3, r.ReplacementsToStart(3, anyMarked: true, oneStarting: true));
        r.Begin(RolloutMode.Chain, "c2");
        Assert.Equal(2, r.Generation);
        Assert.Equal(1, r.ReplacementsToStart(3, anyMarked: true, oneStarting: false));
        Assert.Equal(0, r.ReplacementsToStart(3, anyMarked: true, oneStarting: true));
        r.End();
        Assert.False(r.InProgress);
        Assert.Equal(1, r.ReplacementsToStart(3, anyMarked: true, oneStarting: false)); // staggered recycles
        Assert.Equal(3, r.ReplacementsToStart(3, anyMarked: false, oneStarting: true)); // plain respawns
    }

    [Fact]
    public void SpawnThrottle_DoublesTheDelayUpTo30s_AndResetsOnReady()
    {
        var time = new ManualTime();
        var t = new SpawnThrottle(time);
        Assert.True(t.MaySpawnNow);
        Assert.Equal((TimeSpan.FromMilliseconds(500), false), t.RecordFailure());
        Assert.False(t.MaySpawnNow);
        Assert.Equal(TimeSpan.FromSeconds(1), t.RecordFailure().Delay);
        for (int i = 0; i < 12; i++) t.RecordFailure();
        Assert.Equal(TimeSpan.FromSeconds(30), t.RecordFailure().Delay);
        t.RecordReady();
        Assert.True(t.MaySpawnNow && t.EverReady);
    }

    [Fact]
    public void PeriodicChecks_RunEachWhenDue_SkipOthersWhileStopping_AndSurviveAFailingOne()
    {
        var time = new ManualTime();
        var checks = new PeriodicChecks(time);
        var ran = new List<string>();
        checks.Add("fast", TimeSpan.FromSeconds(1), () => ran.Add("fast"), whileStopping: true);
        checks.Add("slow", TimeSpan.FromSeconds(5), () => ran.Add("slow"));
        checks.Add("broken", TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("bug"));
        var failures = new List<string>();
        void Guard(Action a, string name) { try { a(); } catch (Exception) { failures.Add(name); } }

        checks.RunDue(stopping: false, Guard);
        Assert.Empty(ran);
        Assert.Equal(TimeSpan.FromSeconds(1), checks.UntilNext());
        time.Advance(TimeSpan.FromSeconds(1));
        checks.RunDue(stopping: false, Guard);
        Assert.Equal(["fast"], ran);
        Assert.Equal(["broken"], failures);
        time.Advance(TimeSpan.FromSeconds(4));
        checks.RunDue(stopping: true, Guard);
        Assert.Equal(["fast", "fast"], ran); // slow is not run during a stop
    }

    [Theory]
    [InlineData(50, MemoryVerdict.Fine)]
    [InlineData(150, MemoryVerdict.Recycle)]
    [InlineData(250, MemoryVerdict.KillOverLimit)]
    public void MemoryPolicy_RecyclesOverLimitAs_KillsOverTwiceIt(long rssMb, MemoryVerdict expected)
        => Assert.Equal(expected, new MemoryPolicy(new ServerOptions { LimitAs = 100 }).Judge(rssMb << 20));

    [Fact]
    public void MemoryPolicy_EvilReloadOnRss_Kills()
        => Assert.Equal(MemoryVerdict.EvilKill, new MemoryPolicy(new ServerOptions { EvilReloadOnRss = 10 }).Judge(11L << 20));

    [Fact]
    public void StopReasonLabels_AreTheMetricWordsUsedBefore()
    {
        Assert.Equal(["replaced", "fewer workers wanted", "shutdown", "need-app", "reload", "harakiri", "limit-as", "mercy", "cheaped"],
            Enum.GetValues<StopReason>().Select(r => r.Label()));
        Assert.True(StopReason.Harakiri.CutsShort() && StopReason.MemoryLimit.CutsShort() && !StopReason.Replaced.CutsShort());
    }

    [Fact]
    public void Table_KeepsOtherKindsBesideWorkers_WithTheirOwnIds()
    {
        var table = new WorkerTable(4);
        var now = DateTimeOffset.UnixEpoch;
        table.Add(new WorkerEntry(1, 100, 1, now, 0));
        table.Add(new WorkerEntry(1, 200, 1, now, 0, ProcessKind.Daemon));
        Assert.Single(table.All);
        Assert.Equal(2, table.Count);
        Assert.Equal(ProcessKind.Daemon, table.ByPid(200)!.Kind);
        Assert.Equal(2, table.FreeId());
        Assert.Throws<InvalidOperationException>(() => table.ByPid(200)!.MarkForReplacement(ReplaceReason.Recycle));
        table.Remove(table.ByPid(200)!);
        Assert.Equal(1, table.Count);
    }
}

public sealed class GuardedLoopTests
{
    [Fact]
    public async Task AnIllegalTransitionInAFeature_IsLoggedAsABug_AndTheWorkersKeepRunning()
    {
        var launcher = new FakeLauncher();
        var log = new CollectingSink();
        string dir = Directory.CreateTempSubdirectory("dnw-guarded-").FullName;
        using var board = DotnetWsgi.Native.Scoreboard.Create(Path.Combine(dir, "scoreboard"), 8, 1);
        try
        {
            var deps = new MasterDependencies(launcher, TimeProvider.System, log.CreateLogger(), board, dir, Environment.ProcessId);
            var master = new DotnetWsgi.Manager.Master.Master(new ServerOptions { Processes = 2 }, null, deps);
            master.AddCheck("broken feature", TimeSpan.FromMilliseconds(20), () => throw new InvalidOperationException("worker 1: MarkReady is illegal"));
            var run = Task.Run(master.RunAsync);
            Wait.Until(() => log.Contains("BUG: broken feature attempted an illegal state transition"), "the bug to be logged");
            Assert.False(run.IsCompleted);
            Assert.DoesNotContain(launcher.Signals, s => s.Signal == DotnetWsgi.Native.Interop.Signals.SIGKILL);

            master.Enqueue(MasterCommand.GracefulStop, "test");
            Wait.Until(() => launcher.Signals.Count >= 2, "both workers to be stopped"); // Count only: the loop thread adds
            Assert.All(launcher.Signals.ToList(), s => Assert.Equal(DotnetWsgi.Native.Interop.Signals.SIGTERM, s.Signal));
            foreach (int pid in launcher.ByPid.Keys.ToList()) master.Enqueue(new WorkerExited(pid, 0));
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally { Directory.Delete(dir, true); }
    }
}
