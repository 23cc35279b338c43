// The mules and spooler processes: the same executable, told by the environment to load the app
// and run a mule loop or a spooler instead of serving (ServiceProgram). Each generation (start,
// reload) replaces them (the old ones are stopped off the master loop); one that dies is restarted after a second (not in a tight loop); on stop
// they get SIGTERM, then SIGKILL after a grace period. Their output goes through the master's log,
// as the workers' does.

using System.Diagnostics;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Native.PythonApi;
using Serilog;

namespace DotnetWsgi.Manager.PythonApi;

public sealed class AuxiliaryProcesses(string runDir, string scoreboardPath, int masterPid, ILogger log) : IDisposable
{
    private static readonly TimeSpan RespawnDelay = TimeSpan.FromSeconds(1), StopGrace = TimeSpan.FromSeconds(3);

    /// <summary>One process to keep running: its role's environment, a label for the log and, for a
    /// spooler, its directory.</summary>
    private sealed record Role(string Label, Dictionary<string, string> Env, string? SpoolerDir = null);

    private readonly object _gate = new();
    private readonly Dictionary<Role, Process?> _running = [];
    private readonly Dictionary<Role, int> _respawns = [];
    private bool _disposed;

    public void Restart(ServerOptions options, string configPath)
    {
        List<Process> old;
        lock (_gate)
        {
            old = _running.Values.OfType<Process>().ToList();
            _running.Clear();
            _respawns.Clear();
            foreach (var role in Roles(options, configPath)) _running[role] = null;
        }
        // The old ones stop off the master loop (up to StopGrace): a running job or message finishes
        // or is cut, while the new ones start now (job files are flock-ed; a new mule rebinds its socket).
        _ = Task.Run(() => StopAll(old));
        foreach (var role in _running.Keys.ToList()) Spawn(role);
    }

    private IEnumerable<Role> Roles(ServerOptions options, string configPath)
    {
        Dictionary<string, string> Base() => new()
        {
            [WorkerContract.ConfigVar] = configPath,
            [WorkerContract.ScoreboardVar] = scoreboardPath,
            [WorkerContract.MasterPidVar] = masterPid.ToString(),
            [PythonApiContract.DirVar] = runDir,
        };
        var mules = options.Mule.Concat(Enumerable.Repeat("", options.Mules)).ToList();
        for (int i = 0; i < mules.Count; i++)
        {
            var env = Base();
            env[PythonApiContract.MuleIdVar] = (i + 1).ToString();
            if (mules[i].Length > 0) env[PythonApiContract.MuleFileVar] = Path.GetFullPath(mules[i]);
            yield return new Role(mules[i].Length > 0 ? $"mule {i + 1} ({mules[i]})" : $"mule {i + 1}", env);
        }
        foreach (string dir in options.Spooler)
            for (int p = 0; p < Math.Max(1, options.SpoolerProcesses); p++)
            {
                var env = Base();
                env[PythonApiContract.SpoolerDirVar] = Path.GetFullPath(dir);
                yield return new Role($"spooler {dir}", env, Path.GetFullPath(dir));
            }
    }

    private void Spawn(Role role)
    {
        lock (_gate)
        {
            if (_disposed || !_running.ContainsKey(role)) return;
            var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(ProcessWorkerLauncher.EntryAssemblyPath());
            info.Environment.Remove(WorkerContract.WorkerIdVar);
            foreach (var (k, v) in role.Env) info.Environment[k] = v;
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var output = log.ForContext("WorkerId", role.Label);
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line:l}", e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line:l}", e.Data); };
            process.Exited += (_, _) => Exited(role, process);
            ChildSpawner.Run(process.Start); // PR_SET_PDEATHSIG follows the forking thread
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _running[role] = process;
            log.Information("spawned {Role} (pid: {Pid})", role.Label, process.Id);
        }
    }

    private void Exited(Role role, Process process)
    {
        int code = process.ExitCode;
        try { File.Delete(StateFile(process.Id)); } catch (IOException) { } // the run directory is gone at exit
        lock (_gate)
        {
            if (_disposed || !_running.TryGetValue(role, out var current) || current != process) return;
            _running[role] = null;
            _respawns[role] = _respawns.GetValueOrDefault(role) + 1;
        }
        log.Warning("{Role} (pid: {Pid}) exited with code {Code}; restarting it in {Delay} s", role.Label, process.Id, code, RespawnDelay.TotalSeconds);
        _ = Task.Delay(RespawnDelay).ContinueWith(_ => Spawn(role), TaskScheduler.Default);
    }

    /// <summary>The spooler processes of this generation, in configuration order, with the counters
    /// each one keeps in its state file ("tasks running", rewritten around each job).</summary>
    public IReadOnlyList<Observability.SpoolerView> Spoolers()
    {
        lock (_gate)
        {
            return _running.Where(r => r.Key.SpoolerDir is not null).Select(r =>
            {
                int pid = r.Value is { HasExited: false } p ? p.Id : 0;
                var (tasks, running) = pid == 0 ? (0L, false) : ReadState(StateFile(pid));
                return new Observability.SpoolerView(r.Key.SpoolerDir!, pid, tasks, _respawns.GetValueOrDefault(r.Key), running);
            }).ToList();
        }
    }

    /// <summary>The file a spooler process rewrites around each job (dotnetwsgi_uwsgi_services.py).</summary>
    private string StateFile(int pid) => Path.Combine(runDir, $"spooler-{pid}.state");

    private static (long Tasks, bool Running) ReadState(string path)
    {
        string[] parts;
        try { parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries); }
        catch (IOException) { return (0, false); } // no job run yet
        return parts.Length == 2 && long.TryParse(parts[0], out long tasks) ? (tasks, parts[1] == "1") : (0, false);
    }

    private static void StopAll(List<Process> processes)
    {
        foreach (var p in processes) Libc.Kill(p.Id, Signals.SIGTERM);
        var deadline = DateTime.UtcNow + StopGrace;
        foreach (var p in processes)
        {
            var left = deadline - DateTime.UtcNow;
            if (left > TimeSpan.Zero && p.WaitForExit(left)) continue;
            Libc.Kill(p.Id, Signals.SIGKILL);
            p.WaitForExit(1000);
        }
    }

    public void Dispose()
    {
        List<Process> old;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            old = _running.Values.OfType<Process>().ToList();
            _running.Clear();
        }
        StopAll(old);
    }
}
