// Overview
// What the stats server and the admin listener know about the master's workers. The master loop
// owns the WorkerTable and is the only thread that may read it, so once per iteration it builds
// one of these immutable records and publishes it (ObservabilityHost.Publish, a volatile field).
// The serving threads read the latest snapshot plus live scoreboard counters and never touch the
// table, so a slow stats client cannot hold the loop up.

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Observability;

/// <summary>A worker's lifecycle phase as the master sees it (the master maps its own state).</summary>
/// <summary>Cheap: a worker slot the cheaper subsystem keeps empty (uWSGI's `"status": "cheap"`, pid 0).</summary>
public enum WorkerPhase { Starting, Ready, Busy, Stopping, Cheap }

/// <param name="Id">Worker id, also its scoreboard slot.</param>
/// <param name="Respawns">How many processes this id had before this one (uWSGI's respawn_count is this + 1).</param>
public sealed record WorkerView(int Id, int Pid, WorkerPhase Phase, long Generation, DateTimeOffset SpawnedAt, int Respawns)
{
    public bool IsAccepting => Phase is WorkerPhase.Ready or WorkerPhase.Busy;
}

/// <summary>A listening socket: its configured name, protocol, backlog and kernel inode when known.</summary>
public sealed record ListenerView(string Name, SocketProtocol Protocol, int Backlog, SocketFamily Family, ulong? Inode);

/// <param name="TakenAt">When the master loop built it: /healthz treats an old snapshot as a stuck loop.</param>
/// <param name="Workers">Workers in id order.</param>
/// <param name="RespawnReasons">Respawns since start by reason (crash, harakiri, max-requests, reload, ...).</param>
/// <param name="Draining">A stop is in progress: /readyz answers 503.</param>
/// <param name="ScalingEvents">Moves of the worker target since start by direction and reason (cheaper, `+`/`-`); null: none.</param>
public sealed record WorkerTableSnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<WorkerView> Workers,
    IReadOnlyList<ListenerView> Listeners,
    IReadOnlyDictionary<string, long> RespawnReasons,
    bool Draining,
    bool Paused,
    IReadOnlyDictionary<ScalingKey, long>? ScalingEvents = null)
{
    public int AcceptingCount => Workers.Count(w => w.IsAccepting);
}
