// Counts worker respawns by reason for /metrics. Owned by the master loop thread like the worker
// table: Record() when a worker is reaped and replaced, Snapshot() when publishing.

namespace DotnetWsgi.Manager.Observability;

public sealed class RespawnLedger
{
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);

    /// <summary>reason: a short lowercase word (crash, harakiri, max-requests, lifetime, memory, reload...).</summary>
    public void Record(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) reason = "unknown";
        _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_byReason, StringComparer.Ordinal);
}
