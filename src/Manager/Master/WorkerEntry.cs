// Overview
// One row of the worker table: what the master knows about one worker process. Its lifecycle is
// an enum with guarded transitions (Starting -> Ready <-> Busy -> Stopping); an illegal move
// throws, so a feature cannot quietly put a worker into a state the others do not expect.
// A stop escalates in remembered steps (StopStep), so the mercy check knows what was already sent.
// Every process the master supervises is a row: workers, and (by Kind) the other processes uWSGI's
// master also keeps (attached daemons; room for mules, the spooler and the Emperor's vassals).

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

/// <summary>What a supervised process is. Only workers have a scoreboard slot and serve requests.</summary>
public enum ProcessKind
{
    Worker,
    /// <summary>attach-daemon and its variants: a command the master runs beside the workers.</summary>
    Daemon,
    Mule,
    Spooler,
    Vassal,
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
    public ProcessKind Kind { get; }
    public int Id { get; }
    public int Pid { get; }
    public long Generation { get; private set; }
    public DateTimeOffset SpawnedAt { get; }
    /// <summary>How many times this worker id was respawned before this process.</summary>
    public int Respawns { get; }
    public WorkerState State { get; private set; } = WorkerState.Starting;
    public StopStep StopStep { get; private set; } = StopStep.None;
    public DateTimeOffset StopSentAt { get; private set; }
    /// <summary>Why it is stopping (the first step's reason).</summary>
    public StopReason? StopReason { get; private set; }
    /// <summary>Why it is to be replaced once a replacement accepts; null when it is current.</summary>
    public ReplaceReason? ReplaceReason { get; private set; }
    /// <summary>Replace this worker once a replacement is ready (reload, recycle, lifetime, memory cap).</summary>
    public bool ReplaceWhenReady => ReplaceReason is not null;

    public WorkerEntry(int id, int pid, long generation, DateTimeOffset spawnedAt, int respawns, ProcessKind kind = ProcessKind.Worker)
    {
        Kind = kind;
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

    public void MarkForReplacement(ReplaceReason reason)
    {
        if (IsStopping || Kind != ProcessKind.Worker) throw Illegal(nameof(MarkForReplacement));
        ReplaceReason ??= reason;
    }

    /// <summary>A chain reload that could not finish keeps this worker: it is current again.</summary>
    public void Adopt(long generation)
    {
        if (IsStopping) throw Illegal(nameof(Adopt));
        ReplaceReason = null;
        Generation = generation;
    }

    /// <summary>Records a stop step. Steps only escalate (Graceful -> Immediate/Harakiri -> Killed).</summary>
    public void RecordStop(StopStep step, DateTimeOffset now, StopReason reason)
    {
        if (step == StopStep.None || step <= StopStep && StopStep != StopStep.None) throw Illegal($"{nameof(RecordStop)}({step})");
        State = WorkerState.Stopping;
        StopStep = step;
        StopSentAt = now;
        StopReason ??= reason;
    }

    private InvalidOperationException Illegal(string move)
        => new($"{Kind.ToString().ToLowerInvariant()} {Id} (pid {Pid}): {move} is illegal in state {State}/{StopStep}");
}
