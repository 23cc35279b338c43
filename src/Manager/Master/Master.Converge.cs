// Convergence: after every event ManageWorkers() compares the wanted workers with the table and
// spawns or retires. Reloads do not script steps; they bump the generation and mark the running
// workers ReplaceWhenReady, and this file replaces them:
//   - a marked worker is retired (gracefully) only when a fresh worker is accepting in its place, so
//     the number of accepting workers never drops below the target (chain, reload, lifetime);
//   - in one-at-a-time mode (chain reload) the next replacement starts only after the previous one
//     is ready;
//   - a fresh worker that cannot load the app while marked workers remain aborts the replacement:
//     the marked workers are adopted and keep serving.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private const int StopSignalGraceful = Signals.SIGTERM;
    private const int StopSignalImmediate = Signals.SIGINT;
    // Stops that cut a worker short: its exit is logged as a death and it is respawned.
    private const string HarakiriReason = "harakiri";
    private const string MemoryKillReason = "limit-as";

    private long _generation;
    private int _target;
    private bool _oneAtATime;
    private int _spawnedInGeneration;
    private bool _everReady;
    private int _bootFailures;
    private DateTimeOffset _nextSpawnAt;
    private string _configPath = "";

    private int ClampTarget(int wanted)
    {
        int max = Math.Max(1, _table.Capacity / 2); // room for a replacement beside every worker
        if (wanted <= max) return Math.Max(wanted, 1);
        _log.Warning("processes = {Wanted} exceeds this instance's {Max} worker slots; running {Max}", wanted, max, max);
        return max;
    }

    /// <summary>A new generation: fresh workers get a new config file; with replace, the running ones are marked.</summary>
    private void BeginGeneration(bool replace)
    {
        _generation++;
        _spawnedInGeneration = 0;
        _configPath = Path.Combine(_deps.RunDirectory, $"config.{_generation}.json");
        File.WriteAllText(_configPath, Config.Options.ServerOptionsJson.Serialize(_options));
        _deps.PythonServices?.StartGeneration(_options, _configPath);
        if (!replace) return;
        foreach (var w in _table.Live.Where(w => !w.ReplaceWhenReady).ToList()) w.MarkForReplacement();
    }

    internal void ManageWorkers()
    {
        if (State != MasterState.Running) return;
        var live = _table.Live.ToList();
        var marked = live.Where(w => w.ReplaceWhenReady).ToList();
        var fresh = live.Where(w => !w.ReplaceWhenReady).ToList();
        // A worker being killed (harakiri, memory) dies within moments: it keeps its place, so its
        // respawn takes the same worker id once it is reaped.
        int dying = _table.All.Count(w => w.IsStopping && IsCutShort(w));

        int excess = fresh.Count(w => w.IsAccepting) + marked.Count - _target;
        foreach (var victim in marked.OrderBy(w => w.Generation).ThenBy(w => w.Id).Take(Math.Max(excess, 0)).ToList())
        {
            if (_oneAtATime) _log.Information("chain next victim is worker {WorkerId}", victim.Id);
            Retire(victim, "replaced");
        }
        if (marked.Count > 0 && _table.Live.All(w => !w.ReplaceWhenReady)) ReplacementComplete();

        if (marked.Count == 0 && fresh.Count > _target)
            foreach (var extra in fresh.OrderBy(w => w.IsAccepting).ThenByDescending(w => w.Id).Take(fresh.Count - _target).ToList())
                Retire(extra, "fewer workers wanted");

        int spawnable = _target - fresh.Count - dying;
        bool stillMarked = _table.Live.Any(w => w.ReplaceWhenReady);
        if (_oneAtATime && stillMarked)
            spawnable = fresh.Any(w => w.State == WorkerState.Starting) ? 0 : Math.Min(spawnable, 1);
        for (int i = 0; i < spawnable && _time.GetUtcNow() >= _nextSpawnAt; i++)
            if (!Spawn()) break;
    }

    private static bool IsCutShort(WorkerEntry w) => w.StopReason is HarakiriReason or MemoryKillReason;

    private void ReplacementComplete()
    {
        if (_oneAtATime) _log.Information("chain reloading complete");
        _oneAtATime = false;
    }

    private bool Spawn()
    {
        if (_table.FreeId() is not int id)
        {
            _log.Error("no free worker slot to spawn into (all {Capacity} in use)", _table.Capacity);
            return false;
        }
        var now = _time.GetUtcNow();
        _deps.Scoreboard.Slot(id).Reset(_generation, now.ToUnixTimeSeconds());
        var spawn = new WorkerSpawn(id, _generation, _configPath, _deps.Listeners?.Fds ?? "", _deps.Scoreboard.Path, _deps.MasterPid);
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
        _table.Add(new WorkerEntry(id, pid, _generation, now, _table.RespawnsOf(id)));
        bool respawn = _spawnedInGeneration++ >= _target;
        if (respawn) _log.WorkerRespawned(id, pid);
        else _log.WorkerSpawned(id, pid, _options.Threads);
        return true;
    }

    /// <summary>Graceful stop of one worker: it finishes its requests; the mercy check escalates.</summary>
    private void Retire(WorkerEntry w, string reason)
    {
        _log.GracefullyKilling(w, reason);
        SignalWorker(w, StopSignalGraceful);
        w.RecordStop(StopStep.Graceful, _time.GetUtcNow(), reason);
    }

    private void StopImmediately(WorkerEntry w, string reason)
    {
        if (w.StopStep >= StopStep.Immediate) return;
        _log.KillingWorker(w);
        SignalWorker(w, StopSignalImmediate);
        w.RecordStop(StopStep.Immediate, _time.GetUtcNow(), reason);
    }

    private void SignalWorker(WorkerEntry w, int signal)
    {
        int errno = _deps.Launcher.Signal(w.Pid, signal);
        if (errno != 0 && errno != Errno.ESRCH)
            _log.Error("cannot send {Signal} to worker {WorkerId} (pid: {Pid}): errno {Errno}", Signals.Name(signal), w.Id, w.Pid, errno);
    }

    /// <summary>A worker exited: forget it, log as uWSGI does, account boot failures.</summary>
    private void Reap(int pid, int exitCode)
    {
        if (_table.ByPid(pid) is not WorkerEntry w) return;
        _table.Remove(w);
        CountRespawn(w, exitCode);
        var now = _time.GetUtcNow();
        if (w.IsStopping && !IsCutShort(w))
        {
            if (State != MasterState.Running || w.StopReason == "reload")
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
        else _log.WorkerDied(w, exitCode, expectedKill: IsCutShort(w));
        if (!w.IsAccepting && !_everReady) RecordBootFailure();
    }

    private void OnBootFailure(WorkerEntry w, int exitCode)
    {
        _log.WorkerBootFailed(w, exitCode);
        RecordBootFailure();
        if (_options.NeedApp && !_everReady && _generation == 1)
        {
            _log.Error("need-app requested, destroying the instance...");
            ExitCode = WorkerContract.ExitAppLoadError;
            StopAll(immediate: true, "need-app");
            return;
        }
        var marked = _table.Live.Where(m => m.ReplaceWhenReady).ToList();
        if (marked.Count == 0) return;
        _log.Error("reload of generation {Generation} stopped: worker {WorkerId} could not load the app (exit {ExitCode}); the previous workers keep serving",
            _generation, w.Id, exitCode);
        foreach (var m in marked) m.Adopt(_generation);
        _oneAtATime = false;
    }

    private void RecordBootFailure()
    {
        _bootFailures++;
        var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(_bootFailures - 1, 10))));
        _nextSpawnAt = _time.GetUtcNow() + delay;
        if (_bootFailures > 1) _log.Warning("worker respawning too fast !!! waiting {Seconds} seconds before the next spawn", delay.TotalSeconds);
    }

    private void OnWorkerReady(WorkerEntry w)
    {
        w.MarkReady();
        _everReady = true;
        _bootFailures = 0;
        _nextSpawnAt = DateTimeOffset.MinValue;
    }

    /// <summary>Stop everything: gracefully (in-flight requests finish within the mercy) or at once.</summary>
    private void StopAll(bool immediate, string reason)
    {
        State = immediate ? MasterState.StoppingNow : MasterState.Stopping;
        foreach (var w in _table.All.ToList())
        {
            if (immediate) StopImmediately(w, reason);
            else if (w.StopStep == StopStep.None) Retire(w, reason);
        }
    }
}
