// What the master tells systemd (when NOTIFY_SOCKET is set): READY=1 once a worker of the current
// generation accepts, RELOADING=1 when a reload starts and READY=1 once it has replaced every old
// worker, STOPPING=1 when a stop starts, and a watchdog ping from the loop.

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private bool _readyPending = true;

    private void InitSystemd()
    {
        if (_deps.Notifier?.WatchdogInterval is TimeSpan every)
            _checks.Add("systemd watchdog", every, _deps.Notifier.Watchdog, whileStopping: true);
    }

    private void NotifyReloading(string what)
    {
        _readyPending = true;
        _deps.Notifier?.Reloading($"{what}: generation {_rollout.Generation}");
    }

    private void NotifyStopping()
    {
        _readyPending = false;
        _deps.Notifier?.Stopping("stopping: finishing in-flight requests");
    }

    /// <summary>READY=1 once nothing is being replaced and a current worker accepts.</summary>
    private void NotifyReadyWhenServing()
    {
        if (!_readyPending || State != MasterState.Running || _rollout.InProgress) return;
        var live = _table.Live.ToList();
        if (live.Any(w => w.ReplaceWhenReady && w.ReplaceReason == ReplaceReason.Reload)) return;
        int accepting = live.Count(w => w.IsAccepting && !w.ReplaceWhenReady);
        if (accepting == 0) return;
        _readyPending = false;
        _deps.Notifier?.Ready($"ready: {accepting} of {_target} workers accepting (generation {_rollout.Generation})");
    }
}
