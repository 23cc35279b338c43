// The master's recurring lifecycle lines, worded once, in uWSGI's words where uWSGI has a line for
// it, so a call site reads `_log.WorkerDied(w, code)`.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

internal static class MasterLogMessages
{
    public static void WorkerSpawned(this ILogger log, int id, int pid, int cores)
        => log.Information("spawned uWSGI worker {WorkerId} (pid: {Pid}, cores: {Cores})", id, pid, cores);

    public static void WorkerRespawned(this ILogger log, int id, int pid)
        => log.Information("Respawned uWSGI worker {WorkerId} (new pid: {Pid})", id, pid);

    // The worker itself logs uWSGI's "Gracefully killing worker N (pid: P)..." when it gets the signal.
    public static void GracefullyKilling(this ILogger log, WorkerEntry w, string reason)
        => log.Information("stopping worker {WorkerId} (pid: {Pid}) gracefully ({Reason})", w.Id, w.Pid, reason);

    public static void KillingWorker(this ILogger log, WorkerEntry w)
        => log.Information("killing worker {WorkerId} (pid: {Pid})", w.Id, w.Pid);

    public static void WorkerBuried(this ILogger log, WorkerEntry w, int seconds)
        => log.Information("worker {WorkerId} buried after {Seconds} seconds", w.Id, seconds);

    public static void WorkerKilledSuccessfully(this ILogger log, WorkerEntry w)
        => log.Information("worker {WorkerId} killed successfully (pid: {Pid})", w.Id, w.Pid);

    /// <summary>Exit 0 without being asked: the worker recycled itself (max-requests, reload-on-rss).</summary>
    public static void WorkerRecycled(this ILogger log, WorkerEntry w)
        => log.Information("worker {WorkerId} killed successfully (pid: {Pid})", w.Id, w.Pid);

    /// <summary>expectedKill: the master killed it (harakiri, memory), so no "out of memory" guess.</summary>
    public static void WorkerDied(this ILogger log, WorkerEntry w, int exitCode, bool expectedKill)
    {
        if (exitCode > 128)
        {
            int signal = exitCode - 128;
            if (signal == Signals.SIGKILL && !expectedKill)
                log.Error("DAMN ! worker {WorkerId} (pid: {Pid}) died, killed by signal {Signal} :( trying respawn ... (perhaps out of memory?)", w.Id, w.Pid, signal);
            else
                log.Error("DAMN ! worker {WorkerId} (pid: {Pid}) died, killed by signal {Signal} :( trying respawn ...", w.Id, w.Pid, signal);
        }
        else log.Error("DAMN ! worker {WorkerId} (pid: {Pid}) died :( trying respawn ... (exit code {ExitCode})", w.Id, w.Pid, exitCode);
    }

    public static void WorkerBootFailed(this ILogger log, WorkerEntry w, int exitCode)
    {
        if (exitCode == WorkerContract.ExitAppLoadError)
            log.Error("OOPS ! failed loading app in worker {WorkerId} (pid {Pid})", w.Id, w.Pid);
        else
            log.Error("worker {WorkerId} (pid {Pid}) could not boot (exit {ExitCode}), see its output above", w.Id, w.Pid, exitCode);
    }

    public static void Harakiri(this ILogger log, WorkerEntry w, int core, string request, double elapsed)
    {
        log.Error("*** HARAKIRI ON WORKER {WorkerId} (pid: {Pid}, try: 1) ***", w.Id, w.Pid);
        log.Error("HARAKIRI [core {Core}] {Request} running for {Elapsed:0.0} seconds; dumping its Python stack, then SIGKILL", core, request, elapsed);
    }

    public static void NoMercy(this ILogger log, WorkerEntry w)
        => log.Error("worker {WorkerId} (pid: {Pid}) is taking too much time to die...NO MERCY !!!", w.Id, w.Pid);

    public static void Touched(this ILogger log, string path, MasterCommand command)
    {
        string what = command switch
        {
            MasterCommand.GracefulReload => "grace them all !!!",
            MasterCommand.WorkersReload => "workers reload !!!",
            MasterCommand.ChainReload => "chain reload !!!",
            _ => "reopening log !!!",
        };
        log.Information("*** {Path} has been touched... {What:l} ***", path, what);
    }
}
