// Overview
// The worker process entry point (the executable runs it when DOTNETWSGI_WORKER_ID is set). Boot:
// read the worker contract from the environment, die with the master (PR_SET_PDEATHSIG + a parent
// check), load the options the master wrote, load the app, start the serving threads, then publish
// readiness (slot pid + Accepting), which is what a chain reload waits for. Exit codes follow
// WorkerContract: a bad environment or start-up failure is ExitBootError, an app that cannot load is
// ExitAppLoadError (the master must not respawn it in a loop).

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;
using DotnetWsgi.Worker.Python;

namespace DotnetWsgi.Worker.Serving;

public static class WorkerProgram
{
    /// <summary>The worker: the contract is read from the environment once, here, and passed on.</summary>
    public static int Run() => Run(Environment.GetEnvironmentVariable,
        (env, options, log) => new PythonApplicationHost(options, log, env.WorkerId, env.MasterPid, env.LibPythonCachePath), null);

    /// <summary>
    /// For testing: the environment, the app host and the logger are injected. A master pid of 0
    /// (absent) skips the parent-death signal and the parent check.
    /// </summary>
    internal static int Run(Func<string, string?> getEnv, Func<ServerOptions, Serilog.ILogger, IApplicationHost> hostFactory, Serilog.ILogger? logger)
        => Run(getEnv, (_, options, log) => hostFactory(options, log), logger);

    private static int Run(Func<string, string?> getEnv, Func<WorkerEnvironment, ServerOptions, Serilog.ILogger, IApplicationHost> hostFactory, Serilog.ILogger? logger)
    {
        WorkerEnvironment env;
        try { env = WorkerEnvironment.From(getEnv); }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"dotnetwsgi worker: {ex.Message}");
            return WorkerContract.ExitBootError;
        }
        if (env.MasterPid > 0)
        {
            Libc.SetParentDeathSignal(Signals.SIGKILL);
            if (Libc.GetPpid() != env.MasterPid) return WorkerContract.ExitImmediate; // orphaned already
            // Leave the master's process group: a terminal's Ctrl-C sends SIGINT to the whole
            // foreground group, and SIGINT stops a worker at once. Only the master should get it,
            // so that Ctrl-C is the master's graceful stop (in-flight requests finish).
            Libc.SetOwnProcessGroup();
        }

        ServerOptions options;
        try { options = ServerOptionsJson.Deserialize(File.ReadAllText(env.OptionsPath)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
        {
            Console.Error.WriteLine($"dotnetwsgi worker {env.WorkerId}: cannot read options {env.OptionsPath}: {ex.Message}");
            return WorkerContract.ExitBootError;
        }
        if (logger is not null) return Serve(env, options, logger, hostFactory);
        using var log = WorkerLog.Create(options, env.WorkerId, Environment.ProcessId);
        return Serve(env, options, log, hostFactory);
    }

    private static int Serve(WorkerEnvironment env, ServerOptions options, Serilog.ILogger log,
        Func<WorkerEnvironment, ServerOptions, Serilog.ILogger, IApplicationHost> hostFactory)
    {
        Scoreboard scoreboard;
        List<Listener> listeners;
        try
        {
            scoreboard = Scoreboard.Open(env.ScoreboardPath);
            listeners = env.Listeners(options);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or NativeException or UnauthorizedAccessException)
        {
            log.Fatal("worker {WorkerId} cannot start: {Reason}", env.WorkerId, ex.Message);
            return WorkerContract.ExitBootError;
        }
        using (scoreboard)
        {
            var slot = scoreboard.Slot(env.WorkerId);
            slot.Pid = Environment.ProcessId;
            log.Debug("startup: worker {WorkerId} booted at +{Ms} ms", env.WorkerId, StartupClock.ElapsedMs);
            CpuAffinity.Apply(options.CpuAffinity, env.WorkerId, log);
            using var host = hostFactory(env, options, log);
            try { host.Load(); }
            catch (AppLoadException ex)
            {
                log.Error("worker {WorkerId}: the app failed to load: {Reason}", env.WorkerId, ex.Message);
                return WorkerContract.ExitAppLoadError;
            }
            catch (Exception ex)
            {
                log.Error(ex, "worker {WorkerId} failed to boot", env.WorkerId);
                return WorkerContract.ExitBootError;
            }
            using var server = new WorkerServer(options, listeners, host, log, scoreboard, env.WorkerId) { MasterReplacesOnRecycle = env.MasterPid > 0 };
            try { server.Start(); }
            catch (Exception ex) when (ex is InvalidOperationException or NativeException or ArgumentException)
            {
                log.Error("worker {WorkerId} failed to start serving: {Reason}", env.WorkerId, ex.Message);
                return WorkerContract.ExitBootError;
            }
            return new WorkerSupervisor(server, env, log).Run(() =>
            {
                slot.State = WorkerSlotState.Accepting;
                log.Debug("startup: worker {WorkerId} accepting at +{Ms} ms", env.WorkerId, StartupClock.ElapsedMs);
            });
        }
    }
}
