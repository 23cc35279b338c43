// Overview
// The master loop. One thread owns the WorkerTable; everything else (signal handlers, the fifo
// reader, process-exit callbacks, the harakiri timer) only enqueues MasterEvents into a Channel.
// Each iteration: wait for an event or the tick (100 ms while a worker is starting so readiness is
// seen quickly, else 1 s), handle the events, poll the scoreboard (readiness, busy), once a second
// run the periodic checks (harakiri, mercy, lifetime, memory, touch files, code changes, log size),
// then converge with ManageWorkers(), which compares what should run with what does.
//
// Partial files by phase: Master.Commands.cs (what each MasterCommand does), Master.Converge.cs
// (spawn/retire/reap), Master.Periodic.cs (the once-a-second checks).

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
    private DateTimeOffset _lastTick;

    public Master(ServerOptions options, Func<ConfigResult>? reloadConfig, MasterDependencies deps)
    {
        _options = options;
        _reloadConfig = reloadConfig;
        _deps = deps;
        _log = deps.Log;
        _time = deps.Time;
        _table = new WorkerTable(deps.Scoreboard.Workers);
        _target = ClampTarget(options.Processes);
        _lastTick = _time.GetUtcNow();
        InitWatchers();
    }

    public MasterState State { get; private set; } = MasterState.Running;
    public int ExitCode { get; private set; }
    public long Generation => _generation;
    public WorkerTable Table => _table;

    /// <summary>Done once a stop was requested and every worker has been reaped.</summary>
    public bool IsFinished => State != MasterState.Running && _table.Count == 0;

    /// <summary>Thread-safe: the only way in from other threads.</summary>
    public void Enqueue(MasterEvent e) => _events.Writer.TryWrite(e);

    public void Enqueue(MasterCommand command, string source) => Enqueue(new CommandReceived(command, source));

    /// <summary>Starts the first generation.</summary>
    public void Start()
    {
        BeginGeneration(replace: false);
        ManageWorkers();
    }

    public async Task<int> RunAsync()
    {
        Start();
        while (!IsFinished)
        {
            await WaitForEventAsync(_table.All.Any(w => w.State == WorkerState.Starting) ? FastPoll : TickInterval);
            while (_events.Reader.TryRead(out var e)) Guarded(() => Handle(e), e.ToString());
            PollScoreboard();
            if (_time.GetUtcNow() - _lastTick >= TickInterval) Guarded(Periodic, "periodic checks");
            ManageWorkers();
            PublishSnapshot();
        }
        return ExitCode;
    }

    private async Task WaitForEventAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout, _time);
        try { await _events.Reader.WaitToReadAsync(cts.Token); }
        catch (OperationCanceledException) { }
    }

    /// <summary>The loop outlives its features: one failing command or check is logged, not fatal.</summary>
    private void Guarded(Action action, string what)
    {
        try { action(); }
        catch (Exception e) when (e is not InvalidOperationException)
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

    /// <summary>One tick: scoreboard poll, periodic checks, converge. For testing with a fake clock.</summary>
    internal void Tick()
    {
        PollScoreboard();
        Periodic();
        ManageWorkers();
    }
}
