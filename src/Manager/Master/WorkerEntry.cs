// Overview
// One row of the worker table: what the master knows about one worker process. Its lifecycle is
// an enum with guarded transitions (Starting -> Ready <-> Busy -> Stopping); an illegal move
// throws, so a feature cannot quietly put a worker into a state the others do not expect.
// A stop escalates in remembered steps (StopStep), so the mercy check knows what was already sent.

namespace DotnetWsgi.Manager.Master;

public enum WorkerState
{
    /// <summary>Process started, app not loaded yet (scoreboard not Accepting).</summary>
    Starting,
    /// <summary>App loaded, accepting, no request in progress.</summary>
    Ready,
    /// <summary>Accepting and at least one request in progress.</summary>
    Busy,
    /// <summary>Told to stop; the master waits for its exit (and escalates after the mercy).</summary>
    Stopping,
}

public enum StopStep
{
    None,
    /// <summary>Graceful signal sent: finish in-flight requests, then exit.</summary>
    Graceful,
    /// <summary>Immediate-stop signal sent.</summary>
    Immediate,
    /// <summary>Harakiri: stack dump requested, SIGKILL follows.</summary>
    Harakiri,
    /// <summary>SIGKILL sent.</summary>
    Killed,
}

public sealed class WorkerEntry
{
    public int Id { get; }
    public int Pid { get; }
    public long Generation { get; private set; }
    public DateTimeOffset SpawnedAt { get; }
    /// <summary>How many times this worker id was respawned before this process.</summary>
    public int Respawns { get; }
    public WorkerState State { get; private set; } = WorkerState.Starting;
    public StopStep StopStep { get; private set; } = StopStep.None;
    public DateTimeOffset StopSentAt { get; private set; }
    /// <summary>Why it is stopping, for the log when it exits ("reload", "lifetime", ...).</summary>
    public string? StopReason { get; private set; }
    /// <summary>Replace this worker once a replacement is ready (chain reload, lifetime, memory cap).</summary>
    public bool ReplaceWhenReady { get; private set; }

    public WorkerEntry(int id, int pid, long generation, DateTimeOffset spawnedAt, int respawns)
    {
        Id = id;
        Pid = pid;
        Generation = generation;
        SpawnedAt = spawnedAt;
        Respawns = respawns;
    }

    public bool IsStopping => State == WorkerState.Stopping;
    public bool IsAccepting => State is WorkerState.Ready or WorkerState.Busy;

    public void MarkReady()
    {
        if (State != WorkerState.Starting) throw Illegal(nameof(MarkReady));
        State = WorkerState.Ready;
    }

    public void SetBusy(bool busy)
    {
        if (!IsAccepting) throw Illegal(nameof(SetBusy));
        State = busy ? WorkerState.Busy : WorkerState.Ready;
    }

    public void MarkForReplacement()
    {
        if (IsStopping) throw Illegal(nameof(MarkForReplacement));
        ReplaceWhenReady = true;
    }

    /// <summary>A chain reload that could not finish keeps this worker: it is current again.</summary>
    public void Adopt(long generation)
    {
        if (IsStopping) throw Illegal(nameof(Adopt));
        ReplaceWhenReady = false;
        Generation = generation;
    }

    /// <summary>Records a stop step. Steps only escalate (Graceful -> Immediate/Harakiri -> Killed).</summary>
    public void RecordStop(StopStep step, DateTimeOffset now, string reason)
    {
        if (step == StopStep.None || step <= StopStep && StopStep != StopStep.None) throw Illegal($"{nameof(RecordStop)}({step})");
        State = WorkerState.Stopping;
        StopStep = step;
        StopSentAt = now;
        StopReason ??= reason;
    }

    private InvalidOperationException Illegal(string move)
        => new($"worker {Id} (pid {Pid}): {move} is illegal in state {State}/{StopStep}");
}
