// Overview
// The master loop. One thread owns the WorkerTable; everything else (signal handlers, the fifo
// reader, process-exit callbacks, the harakiri timer) only enqueues MasterEvents into a Channel.
// Each iteration: wait for an event or the next due check (at most 100 ms while a worker is starting
// so readiness is seen quickly), handle the events, poll the scoreboard (readiness, busy, recycle
// requests), run the PeriodicChecks that are due (harakiri, mercy, lifetime, memory, touch files,
// log size), then converge with ManageWorkers(), which compares what should run with what does.
// Every step runs through Guarded: a failing feature is logged and the loop (and the workers) live on.
//
// The state is in small types: WorkerTable (every supervised process), Rollout (generation and
// reload mode), SpawnThrottle (boot-failure back-off), PeriodicChecks (recurring work).
// Partial files by phase: Master.Commands.cs (what each MasterCommand does), Master.Converge.cs
// (spawn/retire/reap), Master.Periodic.cs (the checks).

using System.Threading.Channels;
using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Logging;
using DotnetWsgi.Native;
using Serilog;

namespace DotnetWsgi.Manager.Master;

/// <summary>What the master needs besides the options: the seams to the OS and its files.</summary>
public sealed record MasterDependencies(
    IWorkerLauncher Launcher,
    TimeProvider Time,
    ILogger Log,
    Scoreboard Scoreboard,
    string RunDirectory,
    int MasterPid)
{
    public ListenerSet? Listeners { get; init; }
    public LogFileSink? LogFile { get; init; }
    /// <summary>Rewrites the pidfiles (fifo `P`).</summary>
    public Action? WritePidfiles { get; init; }
    /// <summary>Stats server and admin HTTP: the loop publishes a snapshot of the table to it every iteration.</summary>
    public Observability.ObservabilityHost? Observability { get; init; }
    /// <summary>Starts attached daemons (attach-daemon and variants); null: none are started (tests).</summary>
    public Daemons.DaemonLauncher? Daemons { get; init; }
    /// <summary>systemd's notify socket, when the service runs under systemd with Type=notify.</summary>
    public SystemdNotifier? Notifier { get; init; }
    /// <summary>The /proc reader (workers' memory).</summary>
    public ProcFs Proc { get; init; } = ProcFs.Default;
    /// <summary>uWSGI's Python API services: timers on the tick, mules and spoolers per generation.</summary>
    public PythonApi.PythonServices? PythonServices { get; init; }
}

public enum MasterState { Running, Stopping, StoppingNow }

public sealed partial class Master
{
    private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<MasterEvent> _events = Channel.CreateUnbounded<MasterEvent>(new() { SingleReader = true });
    private readonly MasterDependencies _deps;
    private readonly Func<ConfigResult>? _reloadConfig;
    private readonly WorkerTable _table;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private ServerOptions _options;

    public Master(ServerOptions options, Func<ConfigResult>? reloadConfig, MasterDependencies deps)
    {
        _options = options;
        _reloadConfig = reloadConfig;
        _deps = deps;
        _log = deps.Log;
        _time = deps.Time;
        _table = new WorkerTable(deps.Scoreboard.Workers);
        _throttle = new SpawnThrottle(_time);
        _checks = new PeriodicChecks(_time);
        InitChecks();
        _target = InitCheaper(ClampTarget(options.Processes));
        InitWatchers();
        InitSystemd();
        InitDaemons();
    }

    public MasterState State { get; private set; } = MasterState.Running;
    public int ExitCode { get; private set; }
    public long Generation => _rollout.Generation;
    public RolloutMode RolloutMode => _rollout.Mode;
    public WorkerTable Table => _table;

    /// <summary>Done once a stop was requested and every worker has been reaped.</summary>
    public bool IsFinished => State != MasterState.Running && _table.Count == 0;

    /// <summary>Thread-safe: the only way in from other threads.</summary>
    public void Enqueue(MasterEvent e) => _events.Writer.TryWrite(e);

    public void Enqueue(MasterCommand command, string source) => Enqueue(new CommandReceived(command, source));

    /// <summary>Adds a recurring check to the loop (features such as timers and daemons). Call before RunAsync,
    /// or from the loop thread. A check that throws is logged and the loop goes on.</summary>
    public void AddCheck(string name, TimeSpan interval, Action check, bool whileStopping = false)
        => _checks.Add(name, interval, check, whileStopping);

    /// <summary>Starts the first generation.</summary>
    public void Start()
    {
        BeginGeneration(RolloutMode.None);
        ManageWorkers();
        StartDaemons();
    }

    public async Task<int> RunAsync()
    {
        Start();
        while (!IsFinished)
        {
            var wait = _checks.UntilNext();
            if (_table.All.Any(w => w.State == WorkerState.Starting) && wait > FastPoll) wait = FastPoll;
            await WaitForEventAsync(wait);
            while (_events.Reader.TryRead(out var e)) Guarded(() => Handle(e), e.ToString());
            Guarded(PollScoreboard, "scoreboard poll");
            _checks.RunDue(stopping: State != MasterState.Running, Guarded);
            Guarded(ManageWorkers, "convergence");
            Guarded(NotifyReadyWhenServing, "systemd notification");
            Guarded(PublishSnapshot, "stats snapshot");
        }
        return ExitCode;
    }

    private async Task WaitForEventAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout, _time);
        try { await _events.Reader.WaitToReadAsync(cts.Token); }
        catch (OperationCanceledException) { }
    }

    /// <summary>The loop outlives its features: one failing command or check is logged, not fatal. An
    /// illegal state transition (InvalidOperationException from WorkerEntry) is a bug in that feature:
    /// it is logged as one, with its stack, and the workers keep serving.</summary>
    private void Guarded(Action action, string what)
    {
        try { action(); }
        catch (InvalidOperationException e)
        {
            _log.Error(e, "master: BUG: {What} attempted an illegal state transition: {Reason}; the loop continues", what, e.Message);
        }
        catch (Exception e)
        {
            _log.Error(e, "master: {What} failed: {Reason}", what, e.Message);
        }
    }

    /// <summary>Handles one event and converges. (The loop calls this; tests call it directly.)</summary>
    internal void Handle(MasterEvent e)
    {
        switch (e)
        {
            case CommandReceived c: Run(c.Command, c.Source); break;
            case WorkerExited x: Reap(x.Pid, x.ExitCode); break;
            case HarakiriKillDue h: KillAfterStackDump(h.Pid); break;
        }
        ManageWorkers();
    }

    /// <summary>One tick: scoreboard poll, periodic checks, converge, snapshot. For testing with a fake clock.</summary>
    internal void Tick()
    {
        PollScoreboard();
        _checks.RunAll(stopping: State != MasterState.Running, (action, _) => action());
        ManageWorkers();
        NotifyReadyWhenServing();
        PublishSnapshot();
    }
}
