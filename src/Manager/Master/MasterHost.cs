// Overview
// The master process around the loop: start-up in uWSGI's order (banner, pidfile, sockets, chdir,
// privilege drop, pidfile2, scoreboard, fifo, signals), then the Master loop, then shutdown
// (goodbye, vacuum). A start-up problem the user must fix is one log line and exit 1; a failure of
// the loop itself kills the workers, removes the pidfile and exits 1.

using DotnetWsgi.Config;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Logging;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

internal sealed partial class MasterHost(ServerOptions options, Func<ConfigResult> reloadConfig, MasterLog masterLog, Func<ILogger, IWorkerLauncher> launcher)
{
    private readonly ILogger _log = masterLog.Logger;
    private readonly int _pid = Environment.ProcessId;
    private readonly List<Pidfile> _pidfiles = [];
    private ListenerSet? _listeners;
    private Observability.ObservabilityHost? _observability;
    private Scoreboard? _scoreboard;
    private ControlFifo? _fifo;
    private SystemdNotifier? _notifier;
    private RunDirectory? _runDir;
    private PythonApi.PythonServices? _pythonServices;

    public int Execute()
    {
        Master? master = null;
        try
        {
            master = StartUp();
            using var signals = new SignalQueue(master.Enqueue);
            _fifo?.Start();
            int code = master.RunAsync().GetAwaiter().GetResult();
            _log.Information("goodbye to uWSGI.");
            return code;
        }
        catch (MasterStartupException e)
        {
            ReportStartupError(e.Message);
            foreach (var p in _pidfiles) p.RemoveIfOurs(); // no instance runs behind it
            return 1;
        }
        catch (Exception e)
        {
            _log.Fatal(e, "master loop failed: {Reason}; killing the workers", e.Message);
            if (master is not null) foreach (var w in master.Table.Processes) Libc.Kill(w.Pid, Signals.SIGKILL);
            foreach (var p in _pidfiles) p.RemoveIfOurs(); // nothing runs behind this pid any more
            return 1;
        }
        finally
        {
            ShutDown();
        }
    }

    private void ReportStartupError(string message)
    {
        _log.Error("{Message}", message);
        if (masterLog.File is not null) Console.Error.WriteLine($"dotnetwsgi: {message}");
    }

    private Master StartUp()
    {
        LogBanner();
        WritePidfile(options.Pidfile);
        _notifier = SystemdNotifier.FromEnvironment(Environment.GetEnvironmentVariable, _pid, _log);
        _notifier?.Status("starting");
        _listeners = new ListenerSet(options.Listen, _log, options.ReusePort);
        _listeners.AdoptActivatedSockets(Environment.GetEnvironmentVariable, _pid);
        _listeners.Apply(options.Sockets);
        foreach (var unclaimed in _listeners.UnclaimedActivatedSockets)
            _log.Warning("systemd passed {Socket}, which no configured socket names: not used", unclaimed);
        _log.Debug("startup: sockets bound at +{Ms} ms", StartupClock.ElapsedMs);
        if (options.Sockets.Count == 0) throw new MasterStartupException("no socket configured: set socket, http-socket or http");
        WarnIfBacklogClamped();
        ApplySocketOwnership();
        ChangeDirectory();
        DropPrivileges();
        WritePidfile(options.Pidfile2);
        _runDir = RunDirectory.Create(_pid, _log);
        int capacity = Math.Max(16, 2 * options.Processes + 8);
        _scoreboard = Scoreboard.Create(Path.Combine(_runDir.Path, "scoreboard"), capacity, Math.Max(32, 2 * options.Threads));
        _pythonServices = PythonApi.PythonServices.Create(options, _runDir.Path, _scoreboard, _pid, _log);
        _observability = StartObservability(_scoreboard);
        if (_observability is not null)
        {
            _observability.Caches = _pythonServices.Caches;
            _observability.Spoolers = _pythonServices.Spoolers;
        }
        var deps = new MasterDependencies(launcher(_log), TimeProvider.System, _log, _scoreboard, _runDir.Path, _pid)
        {
            Observability = _observability,
            Notifier = _notifier,
            PythonServices = _pythonServices,
            Daemons = new Daemons.DaemonLauncher(_log, () => _listeners?.Listeners.Select(l => l.Fd) ?? []),
            Listeners = _listeners,
            LogFile = masterLog.File,
            WritePidfiles = () => { foreach (var p in _pidfiles) WritePidfileSafely(p); },
        };
        var master = new Master(options, reloadConfig, deps);
        if (options.MasterFifo.Count > 0) _fifo = new ControlFifo(options.MasterFifo, master.Enqueue, _log);
        LogDifferences();
        _log.Information("spawned uWSGI master process (pid: {Pid})", _pid);
        _log.Debug("startup: master set up at +{Ms} ms", StartupClock.ElapsedMs);
        return master;
    }

    private void ShutDown()
    {
        _observability?.Dispose(); // before the scoreboard it reads
        _fifo?.Dispose();
        _notifier?.Dispose();
        _listeners?.CloseAll(options.Vacuum);
        _pythonServices?.Dispose(); // stops the mules and spoolers
        _scoreboard?.Dispose();
        _runDir?.Dispose();
        if (!options.Vacuum) return;
        foreach (var p in _pidfiles)
            if (p.RemoveIfOurs()) _log.Information("VACUUM: {Which} removed.", p.Path == Path.GetFullPath(options.Pidfile ?? "") ? "pidfile" : "pidfile2");
        foreach (var f in _fifo?.CreatedPaths ?? [])
            if (Libc.IsFifo(f)) { File.Delete(f); _log.Information("VACUUM: master fifo {Path} removed.", f); }
    }
}
