// The master's side of observability: once per loop iteration it publishes an immutable snapshot
// of the worker table for the stats server and the admin listener (they never read the table), and
// it counts respawns and moves of the worker target (cheaper, `+`/`-`) by reason for /metrics.

using DotnetWsgi.Manager.Observability;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Master;

public sealed partial class Master
{
    private readonly RespawnLedger _respawns = new();
    private readonly ScalingLedger _scaling = new();

    private void PublishSnapshot()
    {
        if (_deps.Observability is not { } observability) return;
        observability.Publish(MasterSnapshot.Build(_table.All, _deps.Listeners?.Listeners ?? [], _options.Listen, _respawns,
            draining: State != MasterState.Running, _paused, _time.GetUtcNow(), cheapUpTo: CheaperEnabled ? MaxWorkers : 0, _scaling));
    }

    /// <summary>A reaped worker is replaced while the master runs: remember why.</summary>
    private void CountRespawn(WorkerEntry w, int exitCode)
    {
        if (State != MasterState.Running) return;
        bool bootFailure = exitCode is WorkerContract.ExitAppLoadError or WorkerContract.ExitBootError;
        _respawns.Record(MasterSnapshot.RespawnReason(w, exitCode == WorkerContract.ExitOk, bootFailure));
    }
}
