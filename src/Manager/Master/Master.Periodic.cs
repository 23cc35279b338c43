// The checks the master runs: readiness, busy flags and recycle requests from the scoreboard (every
// iteration), and, registered in PeriodicChecks, once a second: harakiri, stop escalation (mercy),
// max-worker-lifetime, memory, touch files and log-maxsize.
//
// py-autoreload is not here: the worker's Python reloader watches the modules the app actually
// imported (sys.modules, as uWSGI's does) off the master's loop, and asks the master for a graceful
// reload (SIGHUP); the master's reload de-duplication absorbs the same change seen by every worker.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    /// <summary>Time the worker's faulthandler gets to dump the Python stacks before SIGKILL.</summary>
    internal static readonly TimeSpan StackDumpGrace = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ImmediateStopGrace = TimeSpan.FromSeconds(5);

    private readonly List<ITimer> _harakiriTimers = [];
    private readonly PeriodicChecks _checks;
    private List<TouchWatcher> _touchWatchers = [];
    private MemoryPolicy _memory = null!;

    private void InitChecks()
    {
        _checks.Add("harakiri", TickInterval, CheckHarakiri, whileStopping: true);
        _checks.Add("stop escalation", TickInterval, EscalateStops, whileStopping: true);
        _checks.Add("worker lifetime", TickInterval, CheckLifetime);
        _checks.Add("memory", TickInterval, CheckMemory);
        _checks.Add("touch files", TickInterval, CheckTouchFiles);
        _checks.Add("log size", TickInterval, CheckLogSize);
        _checks.Add("python api timers", TickInterval, () => _deps.PythonServices?.Tick(_time.GetUtcNow()));
    }

    /// <summary>The option-dependent parts of the checks (again after a reload changed the options).</summary>
    private void InitWatchers()
    {
        _memory = new MemoryPolicy(_options);
        _touchWatchers =
        [
            new(MasterCommand.GracefulReload, _options.TouchReload),
            new(MasterCommand.WorkersReload, _options.TouchWorkersReload),
            new(MasterCommand.ChainReload, _options.TouchChainReload),
            new(MasterCommand.ReopenLog, _options.TouchLogReopen),
        ];
        foreach (var missing in _touchWatchers.SelectMany(t => t.Missing))
            _log.Information("unable to stat() {Path}, events will be triggered as soon as the file is created", missing);
    }

    /// <summary>Readiness (scoreboard Accepting), busy (a core with a request start) and recycle requests of each worker.</summary>
    private void PollScoreboard()
    {
        foreach (var w in _table.Live.ToList())
        {
            var slot = _deps.Scoreboard.Slot(w.Id);
            if (slot.Pid != 0 && slot.Pid != w.Pid) continue; // not yet written by this process
            if (w.State == WorkerState.Starting && slot.State == WorkerSlotState.Accepting) OnWorkerReady(w);
            if (!w.IsAccepting) continue;
            w.SetBusy(AnyRequestRunning(slot));
            if (slot.RecycleDueMs != 0 && !w.ReplaceWhenReady) w.MarkForReplacement(ReplaceReason.Recycle);
        }
    }

    private static bool AnyRequestRunning(WorkerSlot slot)
    {
        for (int c = 0; c < slot.Cores; c++)
            if (slot.Core(c).RequestStartMs != 0) return true;
        return false;
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
        w.RecordStop(StopStep.Harakiri, _time.GetUtcNow(), StopReason.Harakiri);
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
        KillNow(w, StopReason.Harakiri);
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
            KillNow(w, StopReason.Mercy);
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
            w.MarkForReplacement(ReplaceReason.Lifetime);
        }
    }

    /// <summary>RSS from /proc into the scoreboard (stats), then what MemoryPolicy says about it.</summary>
    private void CheckMemory()
    {
        foreach (var w in _table.Live.ToList())
        {
            long rss = _deps.Proc.Memory(w.Pid)?.Rss ?? 0;
            if (rss <= 0) continue;
            _deps.Scoreboard.Slot(w.Id).RssBytes = rss;
            switch (_memory.Judge(rss))
            {
                case MemoryVerdict.EvilKill:
                    _log.Error("*** EVIL RELOAD ON WORKER {WorkerId} RSS: {Rss} MB ***", w.Id, rss >> 20);
                    KillNow(w, StopReason.MemoryLimit);
                    break;
                case MemoryVerdict.KillOverLimit:
                    _log.Error("worker {WorkerId} (pid: {Pid}) uses {Rss} MB, twice its limit-as of {Limit} MB: killing it", w.Id, w.Pid, rss >> 20, _options.LimitAs);
                    KillNow(w, StopReason.MemoryLimit);
                    break;
                case MemoryVerdict.Recycle when !w.ReplaceWhenReady:
                    _log.Warning("worker {WorkerId} (pid: {Pid}) uses {Rss} MB, over limit-as {Limit} MB: recycling it", w.Id, w.Pid, rss >> 20, _options.LimitAs);
                    w.MarkForReplacement(ReplaceReason.MemoryLimit);
                    break;
            }
        }
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

    private void CheckLogSize()
    {
        if (_options.LogMaxsize > 0 && _deps.LogFile is { } file && file.Length > _options.LogMaxsize) RotateLog();
    }
}
