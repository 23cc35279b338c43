// cheaper-rss-limit-soft / -hard through the master with a fake clock and a fake /proc: at or above
// the soft limit no worker is spawned, at or above the hard limit one worker is cheaped without
// asking the algorithm (never below `cheaper`), and a hard limit without a soft one below it is off.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Manager.Tests.Support;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Tests.Master;

public sealed class CheaperRssLimitTests
{
    private const long MB = 1024 * 1024;

    /// <summary>A /proc whose workers use the memory the test sets.</summary>
    private sealed class FakeProc : ProcFs
    {
        public Dictionary<int, long> Rss { get; } = [];
        public override (long Rss, long Vsz)? Memory(int pid) => Rss.TryGetValue(pid, out long rss) ? (rss, rss) : null;
    }

    /// <summary>The master harness's parts, with the fake /proc in the master's dependencies.</summary>
    private sealed class Harness : IDisposable
    {
        public ManualTime Time { get; } = new();
        public FakeLauncher Launcher { get; } = new();
        public CollectingSink Log { get; } = new();
        public FakeProc Proc { get; } = new();
        public Scoreboard Board { get; }
        public DotnetWsgi.Manager.Master.Master Master { get; }
        private readonly string _dir = Directory.CreateTempSubdirectory("dnw-cheaper-rss-").FullName;

        public Harness(ServerOptions options)
        {
            Board = Scoreboard.Create(Path.Combine(_dir, "scoreboard"), 16, 4);
            var deps = new MasterDependencies(Launcher, Time, Log.CreateLogger(), Board, _dir, Environment.ProcessId) { Proc = Proc };
            Master = new DotnetWsgi.Manager.Master.Master(options, null, deps);
            Master.Start();
        }

        public int[] LivePids => Master.Table.Live.Select(w => w.Pid).ToArray();

        /// <summary>Every starting worker accepts with this much memory, the first `busy` of them in a request (the master may take a cheaper decision on this tick).</summary>
        public void ReadyAll(long rssEach, int busy)
        {
            foreach (var w in Master.Table.All.Where(w => w.State == WorkerState.Starting).OrderBy(w => w.Id).ToList())
            {
                var slot = Board.Slot(w.Id);
                slot.Pid = w.Pid;
                slot.State = WorkerSlotState.Accepting;
                if (busy-- > 0) slot.Core(0).BeginRequest(1, "GET"u8, "/"u8);
                Proc.Rss[w.Pid] = rssEach;
            }
            Master.Tick();
        }

        public void Second()
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            Master.Tick();
        }

        public void Dispose()
        {
            Board.Dispose();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
    }

    private static ServerOptions Options(long soft, long hard = 0, int initial = 1) => new()
    {
        Processes = 4, Cheaper = 1, CheaperInitial = initial, CheaperOverload = 1, WorkerReloadMercy = 60,
        CheaperRssLimitSoft = soft, CheaperRssLimitHard = hard,
    };

    [Fact]
    public void SoftLimit_StopsSpawning_UntilTheWorkersUseLessMemory()
    {
        using var h = new Harness(Options(soft: 100 * MB));
        h.ReadyAll(rssEach: 150 * MB, busy: 1);
        int first = h.LivePids.Single();
        for (int second = 0; second < 3; second++) h.Second(); // spare wants a worker every second
        Assert.Single(h.Launcher.Spawns);
        Assert.True(h.Log.Contains("at or above cheaper-rss-limit-soft = 104857600: no worker is spawned"));

        h.Proc.Rss[first] = 50 * MB;
        h.Second();
        Assert.Equal(2, h.Launcher.Spawns.Count);
        Assert.True(h.Log.Contains("below cheaper-rss-limit-soft again"));
    }

    [Fact]
    public void HardLimit_CheapsOneWorker_WithoutTheAlgorithm_AndNeverBelowCheaper()
    {
        using var h = new Harness(Options(soft: 100 * MB, hard: 200 * MB, initial: 3));
        var pids = h.Master.Table.Live.Select(w => w.Pid).ToArray();
        h.ReadyAll(rssEach: 80 * MB, busy: 2); // 240 MB; one idle worker: spare neither spawns nor cheaps
        h.Second();
        Assert.Equal(2, h.LivePids.Length);
        var cheaped = h.Launcher.Signals.Single();
        Assert.Equal(pids[2], cheaped.Pid); // the idle one, gracefully
        Assert.Equal(Signals.SIGTERM, cheaped.Signal);
        Assert.Equal(StopReason.Cheaped, h.Master.Table.ByPid(pids[2])!.StopReason);
        Assert.True(h.Log.Contains("at or above cheaper-rss-limit-hard = 209715200: cheaping one of 3 workers"));

        h.Second(); // 160 MB: above soft only; both busy, but no spawn
        h.Second();
        Assert.Equal(2, h.LivePids.Length);
        Assert.Equal(3, h.Launcher.Spawns.Count);

        h.Proc.Rss[pids[0]] = h.Proc.Rss[pids[1]] = 300 * MB;
        h.Second(); // above hard again: one more goes, down to cheaper = 1
        h.Second();
        h.Second();
        Assert.Single(h.LivePids);
        Assert.Equal(2, h.Launcher.Signals.Count);
    }

    [Fact]
    public void HardLimitWithoutASoftLimitBelowIt_IsOff_WithAWarning()
    {
        using var h = new Harness(Options(soft: 300 * MB, hard: 200 * MB, initial: 3));
        Assert.True(h.Log.Contains("cheaper-rss-limit-hard = 209715200 needs a cheaper-rss-limit-soft below it (soft: 314572800): the hard limit is off"));
        h.ReadyAll(rssEach: 250 * MB, busy: 3);
        h.Second();
        Assert.Equal(3, h.LivePids.Length);
        Assert.Empty(h.Launcher.Signals);
    }
}
