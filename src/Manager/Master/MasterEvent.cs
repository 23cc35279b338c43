namespace DotnetWsgi.Manager.Master;

/// <summary>Everything the master loop reacts to. Sources (signal handlers, the fifo reader,
/// process exit callbacks, timers) only enqueue these; the loop alone acts on them.</summary>
public abstract record MasterEvent;

/// <summary>A command from a signal, the fifo, a touch file or the code reloader.</summary>
public sealed record CommandReceived(MasterCommand Command, string Source) : MasterEvent;

/// <summary>A worker process ended. ExitCode is 128+signal when a signal killed it (.NET's convention).</summary>
public sealed record WorkerExited(int Pid, int ExitCode) : MasterEvent;

/// <summary>The stack-dump grace after a harakiri has passed: time for SIGKILL.</summary>
public sealed record HarakiriKillDue(int Pid) : MasterEvent;
