// Overview
// Starts workers as new processes of this same executable (.NET cannot fork) with the worker
// contract in the environment; the listening fds are inherited because ListenerSet cleared their
// FD_CLOEXEC. Exits are learned from the Process object (the runtime reaps its children; the master
// never calls waitpid). Workers' stdout and stderr are piped and every line is written through the
// master's logger: that way `logto`, `log-maxsize` rotation and log reopen are implemented once, in
// the master, for every process (dup2-ing the file onto the workers' fds would leave rotated
// workers writing into the renamed file).
//
// Every worker is started from one long-lived spawner thread. A worker asks for SIGKILL when its
// parent dies (PR_SET_PDEATHSIG), and the kernel's "parent" there is the THREAD that forked it: a
// worker started from a thread-pool thread (a reload or a respawn runs on one) was killed when that
// idle pool thread retired, seconds to minutes later.

using System.Diagnostics;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master;

public sealed class ProcessWorkerLauncher(string fileName, IReadOnlyList<string> arguments, ILogger log) : IWorkerLauncher
{
    /// <summary>The command that runs this program again: the apphost, or `dotnet dotnetwsgi.dll`.</summary>
    public static ProcessWorkerLauncher ForThisExecutable(ILogger log)
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable's path");
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
            return new ProcessWorkerLauncher(path, [EntryAssemblyPath()], log);
        return new ProcessWorkerLauncher(path, [], log);
    }

    /// <summary>The entry assembly (the program `dotnet` runs when there is no apphost). Built from the
    /// base directory and the assembly name, not Assembly.Location, which is empty in the NativeAOT
    /// binary (there the executable itself is Environment.ProcessPath and this is never asked).</summary>
    public static string EntryAssemblyPath()
        => Path.Combine(AppContext.BaseDirectory, (System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "dotnetwsgi") + ".dll");

    /// <summary>The program and leading arguments that run this executable (the Emperor starts vassals with it).</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Command => (fileName, arguments);

    public int Start(WorkerSpawn spawn, Action<int, int> exited) => ChildSpawner.Run(() => StartHere(spawn, exited));

    private int StartHere(WorkerSpawn spawn, Action<int, int> exited)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        info.Environment[WorkerContract.WorkerIdVar] = spawn.WorkerId.ToString();
        info.Environment[WorkerContract.GenerationVar] = spawn.Generation.ToString();
        info.Environment[WorkerContract.ConfigVar] = spawn.ConfigPath;
        info.Environment[WorkerContract.FdsVar] = spawn.Fds;
        info.Environment[WorkerContract.ScoreboardVar] = spawn.ScoreboardPath;
        info.Environment[WorkerContract.MasterPidVar] = spawn.MasterPid.ToString();

        int pid = LoggedChild.Start(info, log.ForContext("WorkerId", spawn.WorkerId), exited);
        log.Debug("startup: worker {WorkerId} (pid {Pid}) started at +{Ms} ms", spawn.WorkerId, pid, StartupClock.ElapsedMs);
        return pid;
    }

    public int Signal(int pid, int signal) => Libc.Kill(pid, signal);
}
