// Builds the WorkerTableSnapshot the observability listeners read, from the master's own state.
// Called on the master loop thread only (it reads the WorkerTable); the result is immutable.

using DotnetWsgi.Manager.Master;

namespace DotnetWsgi.Manager.Observability;

public static class MasterSnapshot
{
    /// <param name="scaling">Moves of the worker target by direction and reason, for /metrics.</param>
    /// <param name="cheapUpTo">With cheaper on, `processes`: ids up to it that run no worker are shown as cheap; 0 otherwise.</param>
    public static WorkerTableSnapshot Build(IEnumerable<WorkerEntry> workers, IReadOnlyList<Listener> listeners, int backlog,
        RespawnLedger respawns, bool draining, bool paused, DateTimeOffset now, int cheapUpTo = 0, ScalingLedger? scaling = null)
    {
        var views = workers.OrderBy(w => w.Id)
            .Select(w => new WorkerView(w.Id, w.Pid, PhaseOf(w.State), w.Generation, w.SpawnedAt, w.Respawns))
            .ToList();
        int running = views.Count(v => v.Phase != WorkerPhase.Stopping);
        for (int id = 1; id <= cheapUpTo && running < cheapUpTo; id++)
        {
            if (views.Any(v => v.Id == id)) continue;
            views.Add(new WorkerView(id, 0, WorkerPhase.Cheap, 0, DateTimeOffset.UnixEpoch, 0));
            running++;
        }
        views.Sort((a, b) => a.Id.CompareTo(b.Id));
        var sockets = listeners
            .Select(l => new ListenerView(l.Spec.Name, l.Spec.Protocol, backlog, l.Spec.Family, l.Inode))
            .ToList();
        return new WorkerTableSnapshot(now, views, sockets, respawns.Snapshot(), draining, paused, scaling?.Snapshot());
    }

    private static WorkerPhase PhaseOf(WorkerState state) => state switch
    {
        WorkerState.Starting => WorkerPhase.Starting,
        WorkerState.Ready => WorkerPhase.Ready,
        WorkerState.Busy => WorkerPhase.Busy,
        _ => WorkerPhase.Stopping,
    };

    /// <summary>Why a reaped worker is replaced, as a /metrics label.</summary>
    public static string RespawnReason(WorkerEntry w, bool exitedCleanly, bool bootFailure)
        => w.IsStopping ? StoppedLabel(w)
            : bootFailure ? "boot-failure"
            : exitedCleanly ? "recycle"
            : "crash";

    // A worker that asked to be recycled is now replaced before it stops; its label stays "recycle".
    private static string StoppedLabel(WorkerEntry w)
        => w is { StopReason: StopReason.Replaced, ReplaceReason: ReplaceReason.Recycle } ? "recycle" : w.StopReason?.Label() ?? "stop";
}
