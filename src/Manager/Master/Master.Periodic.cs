// The checks the master runs: readiness and busy flags from the scoreboard (every iteration), and
// once a second harakiri, stop escalation (mercy), max-worker-lifetime, memory (limit-as as an RSS
// cap, see docs/master.md), touch files, py-autoreload and log-maxsize.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    /// <summary>Time the worker's faulthandler gets to dump the Python stacks before SIGKILL.</summary>
    internal static readonly TimeSpan StackDumpGrace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ImmediateStopGrace = TimeSpan.FromSeconds(5);

    private readonly List<ITimer> _harakiriTimers = [];
    private List<TouchWatcher> _touchWatchers = [];
    private CodeChangeWatcher? _codeWatcher;
    private DateTimeOffset _nextCodeCheck;

    private void InitWatchers()
    {
        _touchWatchers =
        [
            new(MasterCommand.GracefulReload, _options.TouchReload),
            new(MasterCommand.WorkersReload, _options.TouchWorkersReload),
            new(MasterCommand.ChainReload, _options.TouchChainReload),
            new(MasterCommand.ReopenLog, _options.TouchLogReopen),
        ];
        foreach (var missing in _touchWatchers.SelectMany(t => t.Missing))
            _log.Information("unable to stat() {Path}, events will be triggered as soon as the file is created", missing);
        _codeWatcher = null;
        if (_options.PyAutoreload > 0)
        {
            var roots = new List<string>(_options.PythonPath);
            if (_options.Chdir is not null) roots.Add(_options.Chdir);
            if (_options.WsgiFile is not null) roots.Add(Path.GetDirectoryName(Path.GetFullPath(_options.WsgiFile))!);
            if (roots.Count == 0) roots.Add(Directory.GetCurrentDirectory());
            _codeWatcher = new CodeChangeWatcher(roots);
            _nextCodeCheck = _time.GetUtcNow().AddSeconds(_options.PyAutoreload);
        }
    }

    /// <summary>Readiness (scoreboard Accepting) and busy (a core with a request start) of each worker.</summary>
    private void PollScoreboard()
    {
        foreach (var w in _table.Live.ToList())
        {
            var slot = _deps.Scoreboard.Slot(w.Id);
            if (slot.Pid != 0 && slot.Pid != w.Pid) continue; // not yet written by this process
            if (w.State == WorkerState.Starting && slot.State == WorkerSlotState.Accepting) OnWorkerReady(w);
            if (w.IsAccepting) w.SetBusy(AnyRequestRunning(slot));
        }
    }

    private static bool AnyRequestRunning(WorkerSlot slot)
    {
        for (int c = 0; c < slot.Cores; c++)
            if (slot.Core(c).RequestStartMs != 0) return true;
        return false;
    }

    private void Periodic()
    {
        _lastTick = _time.GetUtcNow();
        CheckHarakiri();
        EscalateStops();
        if (State != MasterState.Running) return;
        _deps.PythonServices?.Tick(_lastTick);
        CheckLifetime();
        CheckMemory();
        CheckTouchFiles();
        CheckCodeChanges();
        CheckLogSize();
    }

    private void CheckHarakiri()
    {
        if (_options.Harakiri <= 0 || _paused) return;
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var w in _table.All.Where(w => w.IsAccepting || w.StopStep == StopStep.Graceful).ToList())
        {
            var slot = _deps.Scoreboard.Slot(w.Id);
            for (int c = 0; c < slot.Cores; c++)
            {
                long start = slot.Core(c).RequestStartMs;
                if (start == 0 || nowMs - start <= _options.Harakiri * 1000L) continue;
                Harakiri(w, slot, c, nowMs - start);
                break;
            }
        }
    }

    private void Harakiri(WorkerEntry w, WorkerSlot slot, int core, long elapsedMs)
    {
        _log.Harakiri(w, core, slot.Core(core).RequestInfo, elapsedMs / 1000.0);
        slot.AddHarakiri();
        SignalWorker(w, WorkerContract.DumpStacksSignal);
        w.RecordStop(StopStep.Harakiri, _time.GetUtcNow(), HarakiriReason);
        int pid = w.Pid;
        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            Enqueue(new HarakiriKillDue(pid));
            lock (_harakiriTimers) { _harakiriTimers.Remove(timer!); }
            timer!.Dispose();
        }, null, StackDumpGrace, Timeout.InfiniteTimeSpan);
        lock (_harakiriTimers) _harakiriTimers.Add(timer);
    }

    private void KillAfterStackDump(int pid)
    {
        if (_table.ByPid(pid) is not { StopStep: StopStep.Harakiri } w) return;
        SignalWorker(w, Signals.SIGKILL);
        w.RecordStop(StopStep.Killed, _time.GetUtcNow(), HarakiriReason);
    }

    /// <summary>Stops escalate: graceful past the mercy, immediate past a short grace, become SIGKILL.</summary>
    private void EscalateStops()
    {
        var now = _time.GetUtcNow();
        foreach (var w in _table.All.Where(w => w.IsStopping).ToList())
        {
            TimeSpan? grace = w.StopStep switch
            {
                StopStep.Graceful => TimeSpan.FromSeconds(_options.WorkerReloadMercy),
                StopStep.Immediate => ImmediateStopGrace,
                StopStep.Harakiri => StackDumpGrace * 5, // the timer event was lost: kill anyway
                _ => null,
            };
            if (grace is not TimeSpan g || now - w.StopSentAt < g) continue;
            _log.NoMercy(w);
            SignalWorker(w, Signals.SIGKILL);
            w.RecordStop(StopStep.Killed, now, "mercy");
        }
    }

    private void CheckLifetime()
    {
        if (_options.MaxWorkerLifetime <= 0) return;
        var now = _time.GetUtcNow();
        foreach (var w in _table.Live.Where(w => w.IsAccepting && !w.ReplaceWhenReady).ToList())
        {
            var lived = now - w.SpawnedAt;
            if (lived.TotalSeconds <= _options.MaxWorkerLifetime) continue;
            _log.Information("worker {WorkerId} lifetime reached, it was running for {Seconds} second(s)", w.Id, (long)lived.TotalSeconds);
            w.MarkForReplacement();
        }
    }

    /// <summary>RSS from /proc into the scoreboard (stats); limit-as recycles over the cap, kills far over
    /// it; evil-reload-on-rss kills over its limit (uWSGI's master-side SIGKILL).</summary>
    private void CheckMemory()
    {
        long cap = _options.LimitAs * 1024 * 1024;
        foreach (var w in _table.Live.ToList())
        {
            long rss = ProcStatus.RssBytes(w.Pid);
            if (rss <= 0) continue;
            _deps.Scoreboard.Slot(w.Id).RssBytes = rss;
            if (_options.EvilReloadOnRss > 0 && rss > _options.EvilReloadOnRss << 20)
            {
                _log.Error("*** EVIL RELOAD ON WORKER {WorkerId} RSS: {Rss} MB ***", w.Id, rss >> 20);
                KillNow(w, MemoryKillReason);
                continue;
            }
            if (cap <= 0 || rss <= cap) continue;
            if (rss > 2 * cap)
            {
                _log.Error("worker {WorkerId} (pid: {Pid}) uses {Rss} MB, twice its limit-as of {Limit} MB: killing it", w.Id, w.Pid, rss >> 20, _options.LimitAs);
                KillNow(w, MemoryKillReason);
            }
            else if (!w.ReplaceWhenReady)
            {
                _log.Warning("worker {WorkerId} (pid: {Pid}) uses {Rss} MB, over limit-as {Limit} MB: recycling it", w.Id, w.Pid, rss >> 20, _options.LimitAs);
                w.MarkForReplacement();
            }
        }
    }

    private void KillNow(WorkerEntry w, string reason)
    {
        SignalWorker(w, Signals.SIGKILL);
        w.RecordStop(StopStep.Killed, _time.GetUtcNow(), reason);
    }

    private void CheckTouchFiles()
    {
        foreach (var watcher in _touchWatchers)
            foreach (var path in watcher.Check())
            {
                _log.Touched(path, watcher.Command);
                Run(watcher.Command, $"touch {path}");
            }
    }

    private void CheckCodeChanges()
    {
        if (_codeWatcher is null || _time.GetUtcNow() < _nextCodeCheck) return;
        _nextCodeCheck = _time.GetUtcNow().AddSeconds(_options.PyAutoreload);
        if (_codeWatcher.Check() is not string changed) return;
        _log.Information("[uwsgi-python-reloader] module {File} modified", changed);
        Run(MasterCommand.WorkersReload, "py-autoreload");
    }

    private void CheckLogSize()
    {
        if (_options.LogMaxsize > 0 && _deps.LogFile is { } file && file.Length > _options.LogMaxsize) RotateLog();
    }
}
