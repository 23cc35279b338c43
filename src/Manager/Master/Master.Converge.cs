// Convergence: after every event ManageWorkers() compares the wanted workers with the table and
// spawns or retires. Nothing scripts steps: reloads start a new generation (Rollout) and mark the
// running workers ReplaceWhenReady, recycles and lifetime/memory checks mark single workers, and
// this file replaces them:
//   - a marked worker is retired (gracefully) only when a fresh worker is accepting in its place, so
//     the number of accepting workers never drops below the target (reload, chain, recycle, lifetime);
//   - the rollout mode says how many replacements start at once: all (graceful reload) or one at a
//     time (chain reload, and workers marked on their own, so recycles that fall due together are
//     staggered instead of all restarting together);
//   - a fresh worker that cannot load the app while marked workers remain aborts the replacement:
//     the marked workers are adopted and keep serving.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private const int StopSignalGraceful = Signals.SIGTERM;
    private const int StopSignalImmediate = Signals.SIGINT;

    private readonly Rollout _rollout = new();
    private readonly SpawnThrottle _throttle;
    private int _target;

    private int ClampTarget(int wanted)
    {
        int max = Math.Max(1, _table.Capacity / 2); // room for a replacement beside every worker
        if (wanted <= max) return Math.Max(wanted, 1);
        _log.Warning("processes = {Wanted} exceeds this instance's {Max} worker slots; running {Max}", wanted, max, max);
        return max;
    }

    /// <summary>A new generation: fresh workers get a new config file; a rollout mode other than None marks the running ones.</summary>
    private void BeginGeneration(RolloutMode mode)
    {
        string path = Path.Combine(_deps.RunDirectory, $"config.{_rollout.Generation + 1}.json");
        File.WriteAllText(path, Config.Options.ServerOptionsJson.Serialize(_options));
        _rollout.Begin(mode, path);
        _deps.PythonServices?.StartGeneration(_options, path);
        if (mode == RolloutMode.None) return;
        foreach (var w in _table.Live.Where(w => !w.ReplaceWhenReady).ToList()) w.MarkForReplacement(ReplaceReason.Reload);
    }

    internal void ManageWorkers()
    {
        if (State != MasterState.Running) return;
        var live = _table.Live.ToList();
        var marked = live.Where(w => w.ReplaceWhenReady).ToList();
        var fresh = live.Where(w => !w.ReplaceWhenReady).ToList();
        // A worker being killed (harakiri, memory) dies within moments: it keeps its place, so its
        // respawn takes the same worker id once it is reaped.
        int dying = _table.All.Count(w => w.IsStopping && w.StopReason?.CutsShort() == true);

        RetireReplaced(marked, fresh);
        if (_rollout.InProgress && _table.Live.All(w => !w.ReplaceWhenReady)) ReplacementComplete();

        if (marked.Count == 0 && fresh.Count > _target)
            foreach (var extra in fresh.OrderBy(w => w.IsAccepting).ThenBy(w => w.State == WorkerState.Busy).ThenByDescending(w => w.Id).Take(fresh.Count - _target).ToList())
                Retire(extra, CheaperEnabled ? StopReason.Cheaped : StopReason.FewerWanted);

        int spawnable = _rollout.ReplacementsToStart(_target - fresh.Count - dying,
            anyMarked: _table.Live.Any(w => w.ReplaceWhenReady), oneStarting: fresh.Any(w => w.State == WorkerState.Starting));
        for (int i = 0; i < spawnable && _throttle.MaySpawnNow; i++)
            if (!Spawn()) break;
    }

    /// <summary>Retires as many marked workers as fresh accepting ones exceed the target, oldest first.</summary>
    private void RetireReplaced(List<WorkerEntry> marked, List<WorkerEntry> fresh)
    {
        int excess = fresh.Count(w => w.IsAccepting) + marked.Count - _target;
        foreach (var victim in marked.OrderBy(w => w.Generation).ThenBy(w => w.Id).Take(Math.Max(excess, 0)).ToList())
        {
            if (_rollout.Mode == RolloutMode.Chain) _log.Information("chain next victim is worker {WorkerId}", victim.Id);
            else if (victim.ReplaceReason != ReplaceReason.Reload)
                _log.Information("worker {WorkerId} (pid: {Pid}) replaced ({Why}): its replacement accepts", victim.Id, victim.Pid, victim.ReplaceReason!.Value.Label());
            Retire(victim, StopReason.Replaced);
        }
    }

    private void ReplacementComplete()
    {
        if (_rollout.Mode == RolloutMode.Chain) _log.Information("chain reloading complete");
        _rollout.End();
    }

    private bool Spawn()
    {
        if (_table.FreeId() is not int id)
        {
            _log.Error("no free worker slot to spawn into (all {Capacity} in use)", _table.Capacity);
            return false;
        }
        var now = _time.GetUtcNow();
        _deps.Scoreboard.Slot(id).Reset(_rollout.Generation, now.ToUnixTimeSeconds());
        var spawn = new WorkerSpawn(id, _rollout.Generation, _rollout.ConfigPath, _deps.Listeners?.Fds ?? "", _deps.Scoreboard.Path, _deps.MasterPid);
        int pid;
        try
        {
            pid = _deps.Launcher.Start(spawn, (p, code) => Enqueue(new WorkerExited(p, code)));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            _log.Error("cannot start worker {WorkerId}: {Reason}", id, e.Message);
            RecordBootFailure();
            return false;
        }
        _table.Add(new WorkerEntry(id, pid, _rollout.Generation, now, _table.RespawnsOf(id)));
        if (_rollout.CountSpawn(_target)) _log.WorkerRespawned(id, pid);
        else _log.WorkerSpawned(id, pid, _options.Threads);
        return true;
    }

    /// <summary>Graceful stop of one worker: it finishes its requests; the mercy check escalates.</summary>
    private void Retire(WorkerEntry w, StopReason reason)
    {
        _log.GracefullyKilling(w, reason.Label());
        SignalWorker(w, StopSignalGraceful);
        w.RecordStop(StopStep.Graceful, _time.GetUtcNow(), reason);
    }

    private void StopImmediately(WorkerEntry w, StopReason reason)
    {
        if (w.StopStep >= StopStep.Immediate) return;
        _log.KillingWorker(w);
        SignalWorker(w, StopSignalImmediate);
        w.RecordStop(StopStep.Immediate, _time.GetUtcNow(), reason);
    }

    private void KillNow(WorkerEntry w, StopReason reason)
    {
        SignalWorker(w, Signals.SIGKILL);
        w.RecordStop(StopStep.Killed, _time.GetUtcNow(), reason);
    }

    private void SignalWorker(WorkerEntry w, int signal)
    {
        int result = _deps.Launcher.Signal(w.Pid, signal);
        if (result != 0 && result != -Errno.ESRCH)
            _log.Error("cannot send {Signal} to worker {WorkerId} (pid: {Pid}): {Reason}", Signals.Name(signal), w.Id, w.Pid, new NativeException("kill", result).Message);
    }

    /// <summary>A worker exited: forget it, log as uWSGI does, account boot failures.</summary>
    private void Reap(int pid, int exitCode)
    {
        if (_daemons?.OnExit(pid, exitCode) == true) return;
        if (_table.ByPid(pid) is not { Kind: ProcessKind.Worker } w) return;
        _table.Remove(w);
        CountRespawn(w, exitCode);
        var now = _time.GetUtcNow();
        bool cutShort = w.StopReason?.CutsShort() == true;
        if (w.IsStopping && !cutShort)
        {
            if (State != MasterState.Running || w.StopReason == StopReason.Reload)
                _log.WorkerBuried(w, (int)Math.Max(1, Math.Ceiling((now - w.StopSentAt).TotalSeconds)));
            else _log.WorkerKilledSuccessfully(w);
            return;
        }
        if (exitCode is WorkerContract.ExitAppLoadError or WorkerContract.ExitBootError)
        {
            OnBootFailure(w, exitCode);
            return;
        }
        if (exitCode == WorkerContract.ExitOk) _log.WorkerRecycled(w);
        else _log.WorkerDied(w, exitCode, expectedKill: cutShort);
        if (!w.IsAccepting && !_throttle.EverReady) RecordBootFailure();
    }

    private void OnBootFailure(WorkerEntry w, int exitCode)
    {
        _log.WorkerBootFailed(w, exitCode);
        RecordBootFailure();
        if (_options.NeedApp && !_throttle.EverReady && _rollout.Generation == 1)
        {
            _log.Error("need-app requested, destroying the instance...");
            ExitCode = WorkerContract.ExitAppLoadError;
            StopAll(immediate: true, StopReason.NeedApp);
            return;
        }
        var marked = _table.Live.Where(m => m.ReplaceWhenReady).ToList();
        if (marked.Count == 0) return;
        _log.Error("reload of generation {Generation} stopped: worker {WorkerId} could not load the app (exit {ExitCode}); the previous workers keep serving",
            _rollout.Generation, w.Id, exitCode);
        foreach (var m in marked) m.Adopt(_rollout.Generation);
        _rollout.End();
    }

    private void RecordBootFailure()
    {
        var (delay, repeated) = _throttle.RecordFailure();
        if (repeated) _log.Warning("worker respawning too fast !!! waiting {Seconds} seconds before the next spawn", delay.TotalSeconds);
    }

    private void OnWorkerReady(WorkerEntry w)
    {
        w.MarkReady();
        _throttle.RecordReady();
    }

    /// <summary>Stop everything: gracefully (in-flight requests finish within the mercy) or at once.</summary>
    private void StopAll(bool immediate, StopReason reason)
    {
        if (State == MasterState.Running) NotifyStopping();
        State = immediate ? MasterState.StoppingNow : MasterState.Stopping;
        _daemons?.StopAll();
        foreach (var w in _table.All.ToList())
        {
            if (immediate) StopImmediately(w, reason);
            else if (w.StopStep == StopStep.None) Retire(w, reason);
        }
    }
}
