// Liveness and readiness from the master's latest snapshot. Liveness: the loop publishes a
// snapshot every iteration (at least once a second), so one older than StaleAfter means the loop
// is stuck. Readiness: enough workers accept and the instance is not draining.

namespace DotnetWsgi.Manager.Observability;

public sealed class HealthChecks(TimeProvider time, int readyWorkers)
{
    /// <summary>Generous: the loop ticks every second, but a loaded machine may delay it.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(15);

    public AdminResponse Live(WorkerTableSnapshot? snapshot)
    {
        if (snapshot is null) return Text(503, "starting: the master loop has not run yet");
        var age = time.GetUtcNow() - snapshot.TakenAt;
        return age <= StaleAfter ? Text(200, "ok") : Text(503, $"master loop stalled: last tick {age.TotalSeconds:0} s ago");
    }

    public AdminResponse Ready(WorkerTableSnapshot? snapshot)
    {
        if (snapshot is null) return Text(503, "starting: the master loop has not run yet");
        if (snapshot.Draining) return Text(503, "stopping: draining in-flight requests");
        int accepting = snapshot.AcceptingCount;
        int wanted = Math.Max(1, readyWorkers);
        return accepting >= wanted ? Text(200, $"ready: {accepting} worker(s) accepting")
            : Text(503, $"not ready: {accepting} of {wanted} worker(s) accepting");
    }

    private static AdminResponse Text(int status, string body) => new(status, "text/plain; charset=utf-8", body + "\n");
}
