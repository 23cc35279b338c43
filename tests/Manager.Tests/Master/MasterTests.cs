using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public class MasterTests
{
    private static ServerOptions Options(int processes = 2) => new() { Processes = processes, WorkerReloadMercy = 60 };

    [Fact]
    public void Start_SpawnsProcessesWorkers_WithContractEnvironment()
    {
        using var h = new MasterHarness(Options(3));
        Assert.Equal(3, h.Launcher.Spawns.Count);
        Assert.Equal([1, 2, 3], h.Launcher.Spawns.Select(s => s.WorkerId));
        Assert.All(h.Launcher.Spawns, s => Assert.Equal(1, s.Generation));
        Assert.True(File.Exists(h.Launcher.Spawns[0].ConfigPath));
        Assert.Equal(3, ServerOptionsJson.Deserialize(File.ReadAllText(h.Launcher.Spawns[0].ConfigPath)).Processes);
        Assert.True(h.Log.Contains("spawned uWSGI worker 1 (pid: 1001, cores: 1)"));
    }

    [Fact]
    public void Tick_MarksWorkerReady_WhenScoreboardSaysAccepting()
    {
        using var h = new MasterHarness(Options(1));
        int pid = h.LivePids[0];
        Assert.Equal(WorkerState.Starting, h.Entry(pid).State);
        h.Ready(pid);
        Assert.Equal(WorkerState.Ready, h.Entry(pid).State);
    }

    [Fact]
    public void WorkerExit_IsRespawned_WithUwsgiWording()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        int victim = h.LivePids[0];
        h.Exit(victim, 128 + Signals.SIGKILL);
        Assert.Equal(3, h.Launcher.Spawns.Count);
        Assert.Equal(1, h.Launcher.Spawns[^1].WorkerId);
        Assert.True(h.Log.Contains($"DAMN ! worker 1 (pid: {victim}) died, killed by signal 9 :( trying respawn ..."));
        Assert.True(h.Log.Contains("Respawned uWSGI worker 1 (new pid: 1003)"));
    }

    [Fact]
    public void BootFailure_StopsInstanceWith22_WhenNeedAppAndNoWorkerEverReady()
    {
        using var h = new MasterHarness(Options(2) with { NeedApp = true });
        int first = h.LivePids[0];
        h.Exit(first, WorkerContract.ExitAppLoadError);
        Assert.Equal(MasterState.StoppingNow, h.Master.State);
        Assert.Equal(22, h.Master.ExitCode);
        int other = h.LivePids.Length == 0 ? h.Master.Table.All.Single().Pid : -1;
        Assert.Contains(Signals.SIGINT, h.Launcher.SignalsTo(other));
        h.Exit(other, 30);
        Assert.True(h.Master.IsFinished);
    }

    [Fact]
    public void BootFailure_BacksOffExponentially_WithoutNeedApp()
    {
        using var h = new MasterHarness(Options(1) with { NeedApp = false });
        h.Exit(h.LivePids[0], WorkerContract.ExitAppLoadError);
        Assert.Single(h.Launcher.Spawns); // not respawned at once
        h.Time.Advance(TimeSpan.FromMilliseconds(600));
        h.Master.Tick();
        Assert.Equal(2, h.Launcher.Spawns.Count);
        h.Exit(h.LivePids[0], WorkerContract.ExitAppLoadError);
        h.Time.Advance(TimeSpan.FromMilliseconds(600));
        h.Master.Tick();
        Assert.Equal(2, h.Launcher.Spawns.Count); // second failure waits 1 s
        h.Time.Advance(TimeSpan.FromMilliseconds(600));
        h.Master.Tick();
        Assert.Equal(3, h.Launcher.Spawns.Count);
    }

    [Fact]
    public void ChainReload_ReplacesOneAtATime_EachReplacementReadyBeforeItsVictimStops()
    {
        using var h = new MasterHarness(Options(3));
        h.ReadyAll();
        int[] old = h.LivePids;
        h.Command(MasterCommand.ChainReload);
        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(4 + step, h.Launcher.Spawns.Count); // exactly one replacement at a time
            h.Master.Tick();
            Assert.Equal(4 + step, h.Launcher.Spawns.Count);
            Assert.Equal(step, old.Count(p => h.Launcher.SignalsTo(p).Contains(Signals.SIGTERM)));
            int replacement = h.Master.Table.All.Single(w => w.State == WorkerState.Starting).Pid;
            h.Ready(replacement);
            Assert.Equal(step + 1, old.Count(p => h.Launcher.SignalsTo(p).Contains(Signals.SIGTERM)));
            int victim = old.First(p => h.Master.Table.ByPid(p)?.IsStopping == true);
            h.Exit(victim, 0);
        }
        Assert.True(h.Log.Contains("chain reloading complete"));
        Assert.Equal(3, h.Log.Lines.Count(l => l.StartsWith("chain next victim is worker ")));
        Assert.Equal(3, h.LivePids.Length);
        Assert.Empty(h.LivePids.Intersect(old));
    }

    [Fact]
    public void ChainReload_KeepsOldWorkers_WhenReplacementCannotLoadApp()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        int[] old = h.LivePids;
        h.Command(MasterCommand.ChainReload);
        int replacement = h.Master.Table.All.Single(w => w.State == WorkerState.Starting).Pid;
        h.Exit(replacement, WorkerContract.ExitAppLoadError);
        h.Time.Advance(TimeSpan.FromSeconds(60));
        h.Master.Tick();
        Assert.Equal(old, h.LivePids);
        Assert.All(old, p => Assert.DoesNotContain(Signals.SIGTERM, h.Launcher.SignalsTo(p)));
        Assert.True(h.Log.Contains("could not load the app (exit 22); the previous workers keep serving"));
        Assert.Equal(3, h.Launcher.Spawns.Count);
    }

    [Fact]
    public void GracefulReload_StartsNewGeneration_AndRetiresOldOnlyAsNewOnesBecomeReady()
    {
        var reloaded = Options(2) with { Threads = 3 };
        using var h = new MasterHarness(Options(2), () => new ConfigResult(reloaded, []));
        h.ReadyAll();
        int[] old = h.LivePids;
        h.Command(MasterCommand.GracefulReload);
        Assert.Equal(4, h.Launcher.Spawns.Count);
        Assert.All(h.Launcher.Spawns.Skip(2), s => Assert.Equal(2, s.Generation));
        Assert.Equal(3, ServerOptionsJson.Deserialize(File.ReadAllText(h.Launcher.Spawns[^1].ConfigPath)).Threads);
        Assert.All(old, p => Assert.Empty(h.Launcher.SignalsTo(p)));
        h.Ready(h.Launcher.ByPid.Keys.Max());
        Assert.Single(old, p => h.Launcher.SignalsTo(p).Contains(Signals.SIGTERM));
    }

    [Fact]
    public void GracefulReload_IsIgnored_WhileAnotherReloadIsReplacingWorkers()
    {
        using var h = new MasterHarness(Options(2), () => new ConfigResult(Options(2), []));
        h.ReadyAll();
        h.Command(MasterCommand.GracefulReload);
        h.Command(MasterCommand.GracefulReload);
        Assert.Equal(4, h.Launcher.Spawns.Count);
        Assert.Equal(2, h.Master.Generation);
        Assert.True(h.Log.Contains("a reload is already in progress, request ignored"));
        h.ReadyAll();
        foreach (var w in h.Master.Table.All.Where(w => w.IsStopping).ToList()) h.Exit(w.Pid, 0);
        h.Command(MasterCommand.GracefulReload);
        Assert.Equal(3, h.Master.Generation);
    }

    [Fact]
    public void GracefulReload_KeepsRunningConfig_WhenNewOneHasErrors()
    {
        var broken = new ConfigResult(null, [new ConfigDiagnostic(ConfigSeverity.Error, "unknown option 'procesess'", "app.ini", 3)]);
        using var h = new MasterHarness(Options(2), () => broken);
        h.ReadyAll();
        h.Command(MasterCommand.GracefulReload);
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.Equal(1, h.Master.Generation);
        Assert.True(h.Log.Contains("app.ini:3: error: unknown option 'procesess'"));
        Assert.True(h.Log.Contains("reload aborted"));
    }

    [Fact]
    public void Harakiri_DumpsStacksThenKills_WhenRequestRunsPastTheLimit()
    {
        using var h = new MasterHarness(Options(1) with { Harakiri = 3 });
        int pid = h.LivePids[0];
        h.Ready(pid);
        long startMs = h.Time.GetUtcNow().ToUnixTimeMilliseconds();
        h.Board.Slot(1).Core(0).BeginRequest(startMs, "GET"u8, "/sleep?s=30"u8);
        h.Time.Advance(TimeSpan.FromSeconds(3));
        h.Master.Tick();
        Assert.Empty(h.Launcher.SignalsTo(pid));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Master.Tick();
        Assert.Equal([WorkerContract.DumpStacksSignal], h.Launcher.SignalsTo(pid));
        Assert.True(h.Log.Contains("HARAKIRI [core 0] GET /sleep?s=30"));
        Assert.Equal(1, h.Board.Slot(1).HarakiriCount);
        h.Time.Advance(DotnetWsgi.Manager.Master.Master.StackDumpGrace); // fires the timer: it enqueues HarakiriKillDue
        h.Master.Handle(new HarakiriKillDue(pid));
        Assert.Equal(Signals.SIGKILL, h.Launcher.SignalsTo(pid).Last());
        Assert.Single(h.Launcher.Spawns); // the dying worker keeps its place until reaped
        h.Exit(pid, 128 + Signals.SIGKILL);
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.Equal(1, h.Launcher.Spawns[^1].WorkerId);
        Assert.True(h.Log.Contains($"DAMN ! worker 1 (pid: {pid}) died, killed by signal 9 :( trying respawn ..."));
        Assert.False(h.Log.Contains("perhaps out of memory"));
    }

    [Fact]
    public void GracefulStop_EscalatesToSigkill_AfterWorkerReloadMercy()
    {
        using var h = new MasterHarness(Options(1) with { WorkerReloadMercy = 5 });
        int pid = h.LivePids[0];
        h.Ready(pid);
        h.Command(MasterCommand.GracefulStop);
        Assert.Equal([Signals.SIGTERM], h.Launcher.SignalsTo(pid));
        h.Time.Advance(TimeSpan.FromSeconds(4));
        h.Master.Tick();
        Assert.DoesNotContain(Signals.SIGKILL, h.Launcher.SignalsTo(pid));
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Master.Tick();
        Assert.Contains(Signals.SIGKILL, h.Launcher.SignalsTo(pid));
        Assert.True(h.Log.Contains("is taking too much time to die...NO MERCY !!!"));
        h.Exit(pid, 137);
        Assert.True(h.Master.IsFinished);
        Assert.Equal(0, h.Master.ExitCode);
    }

    [Fact]
    public void SecondStopSignal_StopsAtOnce()
    {
        using var h = new MasterHarness(Options(1));
        int pid = h.LivePids[0];
        h.Command(MasterCommand.GracefulStop);
        h.Command(MasterCommand.GracefulStop);
        Assert.Equal([Signals.SIGTERM, Signals.SIGINT], h.Launcher.SignalsTo(pid));
        Assert.Equal(MasterState.StoppingNow, h.Master.State);
    }

    [Fact]
    public void MaxWorkerLifetime_StartsReplacementFirst_ThenRetiresOldWorker()
    {
        using var h = new MasterHarness(Options(1) with { MaxWorkerLifetime = 10 });
        int old = h.LivePids[0];
        h.Ready(old);
        h.Time.Advance(TimeSpan.FromSeconds(11));
        h.Master.Tick();
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.Empty(h.Launcher.SignalsTo(old)); // never zero workers accepting
        h.Ready(h.Launcher.ByPid.Keys.Max());
        Assert.Equal([Signals.SIGTERM], h.Launcher.SignalsTo(old));
        Assert.True(h.Log.Contains("worker 1 lifetime reached, it was running for 11 second(s)"));
    }

    [Fact]
    public void MaxRequestsRecycle_ExitZero_IsRespawnedAtOnce()
    {
        using var h = new MasterHarness(Options(1));
        int pid = h.LivePids[0];
        h.Ready(pid);
        h.Exit(pid, 0);
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.True(h.Log.Contains($"worker 1 killed successfully (pid: {pid})"));
    }

    [Fact]
    public void AddAndRemoveWorker_ChangeTheWorkerCount()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        h.Command(MasterCommand.AddWorker);
        Assert.Equal(3, h.LivePids.Length);
        h.ReadyAll();
        h.Command(MasterCommand.RemoveWorker);
        h.Command(MasterCommand.RemoveWorker);
        Assert.Single(h.LivePids);
        Assert.Equal(2, h.Launcher.Signals.Count(s => s.Signal == Signals.SIGTERM));
    }

    [Fact]
    public void Stats_LogsRequestCountersPerWorker()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        h.Board.Slot(1).RecordRequest(10, 100, exception: false);
        h.Board.Slot(1).RecordRequest(10, 100, exception: true);
        h.Command(MasterCommand.Stats);
        Assert.True(h.Log.Contains("\tworkers total requests: 2"));
        Assert.True(h.Log.Contains("requests: 2 exceptions: 1"));
    }

    [Fact]
    public void WorkerStatus_LogsRequestInProgress()
    {
        using var h = new MasterHarness(Options(1));
        h.ReadyAll();
        h.Board.Slot(1).Core(0).BeginRequest(h.Time.GetUtcNow().ToUnixTimeMilliseconds(), "POST"u8, "/upload"u8);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        h.Command(MasterCommand.WorkerStatus);
        Assert.True(h.Log.Contains("core 0 is managing request POST /upload since 2.0 s"));
    }

    [Fact]
    public void TouchReload_TriggersGracefulReload_WhenMtimeIncreases()
    {
        string touch = Path.Combine(Path.GetTempPath(), $"dnw-touch-{Guid.NewGuid():N}");
        File.WriteAllText(touch, "");
        File.SetLastWriteTimeUtc(touch, DateTime.UtcNow.AddMinutes(-5));
        try
        {
            using var h = new MasterHarness(Options(1) with { TouchWorkersReload = [touch] });
            h.ReadyAll();
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Master.Tick();
            Assert.Single(h.Launcher.Spawns);
            File.SetLastWriteTimeUtc(touch, DateTime.UtcNow);
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Master.Tick();
            Assert.Equal(2, h.Launcher.Spawns.Count);
            Assert.True(h.Log.Contains($"*** {touch} has been touched... workers reload !!! ***"));
        }
        finally { File.Delete(touch); }
    }

    [Fact]
    public void ExitOnReload_TurnsAReloadIntoAGracefulStop()
    {
        using var h = new MasterHarness(Options(1) with { ExitOnReload = true });
        h.ReadyAll();
        h.Command(MasterCommand.GracefulReload);
        Assert.Equal(MasterState.Stopping, h.Master.State);
        Assert.Single(h.Launcher.Spawns);
        Assert.True(h.Log.Contains("GAME OVER (insert coin)"));
    }

    [Fact]
    public void Stop_DuringAChainReload_StopsEveryWorkerAndSpawnsNoMore()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        h.Command(MasterCommand.ChainReload);
        h.Command(MasterCommand.GracefulStop);
        Assert.All(h.Master.Table.All, w => Assert.True(w.IsStopping));
        foreach (var w in h.Master.Table.All.ToList()) h.Exit(w.Pid, 0);
        Assert.Equal(3, h.Launcher.Spawns.Count);
        Assert.True(h.Master.IsFinished);
    }

    [Fact]
    public void BrutalReload_StopsOldWorkersAtOnce_AndStartsANewGeneration()
    {
        using var h = new MasterHarness(Options(2), () => new ConfigResult(Options(2), []));
        h.ReadyAll();
        int[] old = h.LivePids;
        h.Command(MasterCommand.BrutalReload);
        Assert.All(old, p => Assert.Equal([Signals.SIGINT], h.Launcher.SignalsTo(p)));
        Assert.Equal(4, h.Launcher.Spawns.Count);
        Assert.All(h.Launcher.Spawns.Skip(2), s => Assert.Equal(2, s.Generation));
    }

    [Fact]
    public void TogglePause_StopsAndContinuesEveryWorker()
    {
        using var h = new MasterHarness(Options(2));
        h.ReadyAll();
        h.Command(MasterCommand.TogglePause);
        h.Command(MasterCommand.TogglePause);
        Assert.All(h.LivePids, p => Assert.Equal([19 /* SIGSTOP */, Signals.SIGCONT], h.Launcher.SignalsTo(p)));
    }
}
