// What each MasterCommand does. Signals and fifo bytes arrive here through the same table
// (CommandTable), so `r` and SIGHUP run the same code.

using System.Text;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private const int SIGSTOP = 19;
    private bool _paused;

    private void Run(MasterCommand command, string source)
    {
        if (State != MasterState.Running && command is not (MasterCommand.GracefulStop or MasterCommand.StopNow
                or MasterCommand.Stats or MasterCommand.WorkerStatus or MasterCommand.ReopenLog or MasterCommand.RotateLog))
        {
            _log.Information("{Source}: ignored, the instance is shutting down", source);
            return;
        }
        if (_options.ExitOnReload && command is MasterCommand.GracefulReload or MasterCommand.BrutalReload
                or MasterCommand.WorkersReload or MasterCommand.BrutalWorkersReload or MasterCommand.ChainReload)
        {
            _log.Information("uWSGI: GAME OVER (insert coin) ({Source}, exit-on-reload)", source);
            command = MasterCommand.GracefulStop;
        }
        switch (command)
        {
            case MasterCommand.GracefulReload: Reload(source, brutal: false); break;
            case MasterCommand.BrutalReload: Reload(source, brutal: true); break;
            case MasterCommand.WorkersReload: ReloadWorkers(source, brutal: false); break;
            case MasterCommand.BrutalWorkersReload: ReloadWorkers(source, brutal: true); break;
            case MasterCommand.ChainReload: ChainReload(source); break;
            case MasterCommand.GracefulStop: GracefulStop(source); break;
            case MasterCommand.StopNow: StopNow(source); break;
            case MasterCommand.Stats: LogStats(); break;
            case MasterCommand.WorkerStatus: LogWorkerStatus(); break;
            case MasterCommand.ReopenLog: _deps.LogFile?.Reopen(); break;
            case MasterCommand.RotateLog: RotateLog(); break;
            case MasterCommand.TogglePause: TogglePause(); break;
            case MasterCommand.WritePidfiles: _deps.WritePidfiles?.Invoke(); break;
            case MasterCommand.AddWorker: MoveTargetByCommand(up: true, source); break;
            case MasterCommand.RemoveWorker: MoveTargetByCommand(up: false, source); break;
        }
    }

    /// <summary>As uWSGI, a reload request while one is still replacing workers is ignored (every
    /// worker's py-autoreload may signal the same change). Workers replaced on their own (recycle,
    /// lifetime) are no reload: a reload then replaces every worker.</summary>
    private bool ReloadInProgress(string source)
    {
        if (!_rollout.InProgress) return false;
        _log.Information("{Source}: a reload is already in progress, request ignored", source);
        return true;
    }

    private void Reload(string source, bool brutal)
    {
        if (!brutal && ReloadInProgress(source)) return;
        _log.Information(brutal ? "...brutally killing workers... ({Source})" : "...gracefully reloading workers... ({Source})", source);
        if (_reloadConfig is not null && !ApplyNewConfig()) return;
        BeginGeneration(brutal ? RolloutMode.None : RolloutMode.Parallel);
        if (brutal) foreach (var w in _table.Live.ToList()) StopImmediately(w, StopReason.Reload);
        NotifyReloading(brutal ? "brutal reload" : "graceful reload");
        ReloadDaemons(_reloadConfig is null ? _daemonSpecs : ParseDaemons(_options));
    }

    /// <summary>Re-reads the configuration; a broken one keeps the running one (and says why).</summary>
    private bool ApplyNewConfig()
    {
        var result = _reloadConfig!();
        foreach (var d in result.Diagnostics) _log.Warning("{Diagnostic}", d.ToString());
        if (!result.Succeeded || result.Options is null)
        {
            _log.Error("reload aborted: the configuration has errors; the running configuration stays");
            return false;
        }
        try
        {
            ParseDaemons(result.Options); // a bad daemon line aborts the reload, as a bad socket does
            _deps.Listeners?.Apply(result.Options.Sockets);
        }
        catch (MasterStartupException e)
        {
            _log.Error("reload aborted: {Reason}; the running configuration stays", e.Message);
            return false;
        }
        _options = result.Options;
        _target = InitCheaper(ClampTarget(_options.Processes));
        InitWatchers();
        return true;
    }

    private void ReloadWorkers(string source, bool brutal)
    {
        if (!brutal && ReloadInProgress(source)) return;
        _log.Information(brutal ? "brutally reloading workers ({Source})" : "gracefully reloading workers ({Source})", source);
        BeginGeneration(brutal ? RolloutMode.None : RolloutMode.Parallel);
        if (brutal) foreach (var w in _table.Live.ToList()) StopImmediately(w, StopReason.Reload);
        NotifyReloading(brutal ? "brutal workers reload" : "workers reload");
    }

    private void ChainReload(string source)
    {
        if (_rollout.Mode == RolloutMode.Chain)
        {
            _log.Information("chain reload already running... ({Source})", source);
            return;
        }
        _log.Information("chain reload starting... ({Source})", source);
        BeginGeneration(RolloutMode.Chain);
        NotifyReloading("chain reload");
    }

    private void GracefulStop(string source)
    {
        if (State != MasterState.Running)
        {
            StopNow(source); // a second stop request within the mercy: stop at once
            return;
        }
        _log.Information("graceful shutdown triggered by {Source}...", source);
        if (_paused) TogglePause();
        StopAll(immediate: false, StopReason.Shutdown);
        _deps.Listeners?.StopListening(() => _table.All.All(w => _deps.Scoreboard.Slot(w.Id).State != WorkerSlotState.Accepting)); // docs/master.md
    }

    private void StopNow(string source)
    {
        _log.Information("{Source} received...killing workers...", source);
        if (_paused) TogglePause();
        StopAll(immediate: true, StopReason.Shutdown);
        _deps.Listeners?.StopListening(() => true); // workers are being killed: no wait
    }

    private void TogglePause()
    {
        _paused = !_paused;
        _log.Information(_paused ? "*** PAUSE (send SIGTSTP or fifo 'p' to resume) ***" : "*** resuming workers ***");
        foreach (var w in _table.All) SignalWorker(w, _paused ? SIGSTOP : Signals.SIGCONT);
    }

    /// <summary>uWSGI's `s` output shape: total requests, then requests/exceptions per worker.</summary>
    private void LogStats()
    {
        var sb = new StringBuilder();
        long total = _table.All.Sum(w => _deps.Scoreboard.Slot(w.Id).Requests);
        sb.Append($"\tworkers total requests: {total}\n-----------------\n");
        foreach (var w in _table.All)
        {
            var slot = _deps.Scoreboard.Slot(w.Id);
            sb.Append($"\tworker {w.Id} (pid: {w.Pid}, generation {w.Generation}, {w.State}) app 0 [] requests: {slot.Requests} exceptions: {slot.Exceptions} harakiri: {slot.HarakiriCount} rss: {slot.RssBytes / 1024} KB\n-----------------\n");
        }
        _log.Information("{Stats:l}", sb.ToString().TrimEnd('\n'));
    }

    /// <summary>What every core of every worker is doing now (SIGUSR2).</summary>
    private void LogWorkerStatus()
    {
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var w in _table.All)
        {
            var slot = _deps.Scoreboard.Slot(w.Id);
            bool any = false;
            for (int c = 0; c < slot.Cores; c++)
            {
                var core = slot.Core(c);
                long start = core.RequestStartMs;
                if (start == 0) continue;
                any = true;
                _log.Information("worker {WorkerId} (pid: {Pid}) core {Core} is managing request {Request} since {Elapsed:0.0} s",
                    w.Id, w.Pid, c, core.RequestInfo, (nowMs - start) / 1000.0);
            }
            if (!any) _log.Information("worker {WorkerId} (pid: {Pid}) is {State}, no request in progress", w.Id, w.Pid, w.State);
        }
    }

    private void RotateLog()
    {
        if (_deps.LogFile is not { } file) return;
        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        string closing = $"{_time.GetLocalNow():ddd MMM d HH:mm:ss yyyy} - logsize: {file.Length}, triggering rotation to {file.Path}.{now}...";
        file.Rotate(now, closing);
    }
}
