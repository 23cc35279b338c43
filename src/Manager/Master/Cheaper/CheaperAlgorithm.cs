// Overview
// The cheaper subsystem's decisions: once a second the master gives an algorithm a sample of its
// accepting workers and gets back how many to spawn (> 0), one to cheap (-1) or nothing (0). The
// master only asks while no worker is starting, so a new worker counts once it accepts (uWSGI counts
// it at fork and can spawn again before it serves). The algorithms, as uWSGI users know them:
//   spare     all workers busy for `cheaper-overload` s: spawn `cheaper-step`; more than one idle for
//             that long: cheap one (it keeps one spare worker; uWSGI's cheaps as soon as one is idle
//             and flaps under steady load);
//   spare2    keep `cheaper` idle workers: spawn up to the missing ones at once (at most the step),
//             cheap one after `cheaper-idle` s with more idle than that;
//   backlog   connections waiting in the listen queue above `cheaper-overload`: spawn; an empty
//             queue for `cheaper-overload` s: cheap one;
//   busyness  average busy share of the workers' threads over the last second above
//             `cheaper-busyness-max` % for `cheaper-overload` s: spawn; below `cheaper-busyness-min`
//             % with an empty queue for `cheaper-overload` × `cheaper-busyness-multiplier` s: cheap
//             one; more than `cheaper-busyness-backlog-alert` queued connections, or a queue not
//             empty for `cheaper-busyness-backlog-nonzero` s: spawn `cheaper-busyness-backlog-step`
//             (see BusynessAlgorithm for the multiplier's penalty and the emergency workers).
// An algorithm may leave notes (uWSGI's `[busyness] ...` lines); the master logs them after each call.

using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Master.Cheaper;

/// <param name="Accepting">Workers accepting now.</param>
/// <param name="Busy">Of those, workers with a request in progress.</param>
/// <param name="Backlog">Connections waiting in the listen queues (TCP; unix sockets report none).</param>
/// <param name="Busyness">Average share (0..1) of the workers' request threads that were busy over the last sample.</param>
/// <param name="Room">Workers the master may still add (0 at `processes` or above `cheaper-rss-limit-soft`).</param>
public readonly record struct CheaperSample(int Accepting, int Busy, long Backlog, double Busyness, int Room = int.MaxValue);

public abstract class CheaperAlgorithm(ServerOptions options)
{
    protected ServerOptions Options { get; } = options;
    protected int Step => Math.Max(1, Options.CheaperStep);
    protected int Overload => Math.Max(1, Options.CheaperOverload);

    /// <summary>What the last spawn decision of this algorithm meant (for logs and /metrics).</summary>
    public abstract ScalingReason SpawnReason { get; }

    /// <summary>What a cheap decision of this algorithm means.</summary>
    public abstract ScalingReason CheapReason { get; }

    /// <summary>Spawn n (> 0), cheap one (-1) or nothing (0). Called once a second.</summary>
    public abstract int Decide(CheaperSample sample);

    private readonly List<string> _notes = [];

    /// <summary>Lines for the log left by the last decisions; taking them empties the list.</summary>
    public IReadOnlyList<string> TakeNotes()
    {
        var notes = _notes.ToArray();
        _notes.Clear();
        return notes;
    }

    protected void Note(string line) => _notes.Add(line);

    /// <summary>The algorithm a name asks for; null with an unknown name (the caller warns and uses spare).</summary>
    public static CheaperAlgorithm? Named(string name, ServerOptions options) => name.ToLowerInvariant() switch
    {
        "spare" or "" => new SpareAlgorithm(options),
        "spare2" => new Spare2Algorithm(options),
        "backlog" => new BacklogAlgorithm(options),
        "busyness" => new BusynessAlgorithm(options),
        _ => null,
    };
}

/// <summary>Counts consecutive seconds of a condition.</summary>
internal struct Streak
{
    private int _seconds;
    public bool Holds(bool condition, int needed)
    {
        _seconds = condition ? _seconds + 1 : 0;
        if (_seconds < needed) return false;
        _seconds = 0;
        return true;
    }
}

public sealed class SpareAlgorithm(ServerOptions options) : CheaperAlgorithm(options)
{
    public override ScalingReason SpawnReason => ScalingReason.AllBusy;
    public override ScalingReason CheapReason => ScalingReason.Idle;
    private Streak _allBusy, _spare;

    public override int Decide(CheaperSample s)
    {
        int idle = s.Accepting - s.Busy;
        if (_allBusy.Holds(idle == 0, Overload)) return Step;
        return _spare.Holds(idle > 1, Overload) ? -1 : 0;
    }
}

public sealed class Spare2Algorithm(ServerOptions options) : CheaperAlgorithm(options)
{
    public override ScalingReason SpawnReason => ScalingReason.FewIdle;
    public override ScalingReason CheapReason => ScalingReason.Idle;
    private Streak _tooIdle;

    public override int Decide(CheaperSample s)
    {
        int idle = s.Accepting - s.Busy, wanted = Options.Cheaper;
        if (idle < wanted) return Math.Min(Step, wanted - idle);
        return _tooIdle.Holds(idle > wanted, Math.Max(1, Options.CheaperIdle)) ? -1 : 0;
    }
}

public sealed class BacklogAlgorithm(ServerOptions options) : CheaperAlgorithm(options)
{
    public override ScalingReason SpawnReason => ScalingReason.Backlog;
    public override ScalingReason CheapReason => ScalingReason.QueueEmpty;
    private Streak _empty;

    public override int Decide(CheaperSample s)
    {
        if (s.Backlog > Options.CheaperOverload) return Step;
        return _empty.Holds(s.Backlog == 0, Overload) ? -1 : 0;
    }
}
