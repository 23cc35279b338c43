// Overview
// The entry point of the master's mule and spooler processes (the executable runs it when
// PythonApiContract.MuleIdVar or SpoolerDirVar is set): die with the master, read the options the
// master wrote, load the app as a worker does (so @mulefunc, @spool and @timer registrations exist,
// as in uWSGI where these processes are forked after the app loads), run the @postfork hooks and
// the signal thread, then the mule loop / `mule = FILE` script or the spooler loop. SIGTERM (stop or
// reload) ends the process; the master restarts one that dies.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Native.PythonApi;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;
using DotnetWsgi.Worker.Python;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Serving;

public static class ServiceProgram
{
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    public static bool IsService => Env(PythonApiContract.MuleIdVar) is not null || Env(PythonApiContract.SpoolerDirVar) is not null;

    public static int Run()
    {
        if (int.TryParse(Env(WorkerContract.MasterPidVar), out int masterPid) && masterPid > 0)
        {
            Libc.SetParentDeathSignal(Signals.SIGKILL);
            if (Libc.GetPpid() != masterPid) return WorkerContract.ExitImmediate;
            Libc.SetOwnProcessGroup();
        }
        string? spooler = Env(PythonApiContract.SpoolerDirVar);
        string label = spooler is not null ? $"spooler {spooler}" : $"mule {Env(PythonApiContract.MuleIdVar)}";
        ServerOptions options;
        try { options = ServerOptionsJson.Deserialize(File.ReadAllText(Env(WorkerContract.ConfigVar) ?? "")); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException)
        {
            Console.Error.WriteLine($"dotnetwsgi {label}: cannot read options: {ex.Message}");
            return WorkerContract.ExitBootError;
        }
        using var log = WorkerLog.Create(options, 0, Environment.ProcessId);
        // py-autoreload stays with the workers: a mule or spooler reports the master's pid but never reloads it.
        using var host = new PythonApplicationHost(options with { PyAutoreload = 0 }, log, workerId: 0, masterPid: masterPid);
        try
        {
            host.Load();
            log.Information("{Label} ready (pid: {Pid})", label, Environment.ProcessId);
            host.RunService(Env(PythonApiContract.MuleFileVar), spooler);
            return WorkerContract.ExitOk;
        }
        catch (AppLoadException ex)
        {
            log.Error("{Label}: the app failed to load: {Reason}", label, ex.Message);
            return WorkerContract.ExitAppLoadError;
        }
        catch (PythonException ex)
        {
            log.Error("{Label} failed:\n{Traceback}", label, ex.Traceback.TrimEnd());
            return WorkerContract.ExitBootError;
        }
    }
}
