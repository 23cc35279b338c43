// Counts the worker target's moves (cheaper decisions, `+`/`-` commands) by direction and reason for
// /metrics. Owned by the master loop thread like the RespawnLedger: Record() when the target moves,
// Snapshot() when publishing.

namespace DotnetWsgi.Manager.Observability;

/// <param name="Direction">"up" (workers spawned) or "down" (a worker cheaped).</param>
/// <param name="Reason">A stable short label (all-busy, idle, backlog, command, ...).</param>
public readonly record struct ScalingKey(string Direction, string Reason);

public sealed class ScalingLedger
{
    private readonly Dictionary<ScalingKey, long> _events = [];

    public void Record(bool up, string reason)
    {
        var key = new ScalingKey(up ? "up" : "down", reason);
        _events[key] = _events.GetValueOrDefault(key) + 1;
    }

    public IReadOnlyDictionary<ScalingKey, long> Snapshot() => new Dictionary<ScalingKey, long>(_events);
}
