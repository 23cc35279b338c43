// Overview
// The protocol between the master and a worker process. The master starts the same executable
// with these environment variables; their presence makes Program run the worker instead of the
// CLI. Exit codes tell the master why a worker ended (as gunicorn's WORKER_BOOT_ERROR /
// APP_LOAD_ERROR), so a worker that can never boot is not respawned in a tight loop.

namespace DotnetWsgi.Native;

public static class WorkerContract
{
    /// <summary>Worker id, 1..processes. Its presence selects the worker entry point.</summary>
    public const string WorkerIdVar = "DOTNETWSGI_WORKER_ID";
    /// <summary>Generation number of this worker (bumped by every reload).</summary>
    public const string GenerationVar = "DOTNETWSGI_GENERATION";
    /// <summary>Path of the effective configuration, as ini (the master's --print-config output).</summary>
    public const string ConfigVar = "DOTNETWSGI_CONFIG";
    /// <summary>Comma-separated inherited listening fds, in ServerOptions.Sockets order.</summary>
    public const string FdsVar = "DOTNETWSGI_FDS";
    /// <summary>Path of the scoreboard file (memory-mapped by master and workers).</summary>
    public const string ScoreboardVar = "DOTNETWSGI_SCOREBOARD";
    /// <summary>The master's pid: a worker exits when its parent is no longer this pid.</summary>
    public const string MasterPidVar = "DOTNETWSGI_MASTER_PID";

    /// <summary>Clean exit: graceful stop finished, or a recycle (max-requests, lifetime, rss).</summary>
    public const int ExitOk = 0;
    /// <summary>The worker could not start (bad fds, unreadable config, libpython not found).</summary>
    public const int ExitBootError = 3;
    /// <summary>The app failed to import / the callable was not found (need-app).</summary>
    public const int ExitAppLoadError = 22;

    /// <summary>Immediate exit (SIGINT/SIGQUIT, or the master is gone), as uWSGI's 30.</summary>
    public const int ExitImmediate = 30;

    /// <summary>
    /// Sent by the master before a harakiri kill: the worker's Python faulthandler dumps the stack of
    /// every Python thread to stderr (registered at worker start; SIGPWR is unused by .NET and Python).
    /// </summary>
    public const int DumpStacksSignal = 30; // SIGPWR

    /// <summary>
    /// Worker signals: SIGHUP / SIGTERM = graceful (stop accepting, finish in-flight requests, exit 0);
    /// SIGINT / SIGQUIT = immediate exit; SIGUSR2 = log what each thread is doing.
    /// </summary>
    public const int GracefulSignal = Interop.Signals.SIGTERM;
}
