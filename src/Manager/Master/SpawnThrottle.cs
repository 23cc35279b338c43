// Overview
// Spawn throttling: a worker that fails to boot (or dies before any worker ever accepted) delays the
// next spawn, doubling from 0.5 s up to 30 s, so a broken app is not respawned in a tight loop
// (uWSGI's "respawning too fast"). The first worker that accepts resets it.

namespace DotnetWsgi.Manager.Master;

public sealed class SpawnThrottle(TimeProvider time)
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    private int _failures;
    private DateTimeOffset _nextSpawnAt = DateTimeOffset.MinValue;

    /// <summary>Some worker has accepted since the start.</summary>
    public bool EverReady { get; private set; }

    public bool MaySpawnNow => time.GetUtcNow() >= _nextSpawnAt;

    /// <summary>Records a failure; returns the delay before the next spawn, and whether it is a repeat (worth a warning).</summary>
    public (TimeSpan Delay, bool Repeated) RecordFailure()
    {
        _failures++;
        var delay = TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, Math.Min(_failures - 1, 10))));
        _nextSpawnAt = time.GetUtcNow() + delay;
        return (delay, _failures > 1);
    }

    public void RecordReady()
    {
        EverReady = true;
        _failures = 0;
        _nextSpawnAt = DateTimeOffset.MinValue;
    }
}
