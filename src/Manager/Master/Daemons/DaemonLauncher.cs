// Overview
// Starts an attached daemon as uWSGI does: `/bin/sh -c COMMAND` in a session (and process group) of
// its own (setsid(1) execs in place, so the pid is the group id), with its stdout and stderr piped
// into the master's log. The master's listening sockets are not inherited: their FD_CLOEXEC is set
// around the start (the loop thread is the only one that starts processes, so no worker spawn can
// race it). Signals go to the whole group, so a shell's children stop with it.

using System.Diagnostics;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Master.Daemons;

public class DaemonLauncher(ILogger log, Func<IEnumerable<int>> inheritedFds)
{
    private const string Setsid = "/usr/bin/setsid";

    /// <summary>Starts the command; returns its pid (= its process group). exited gets (pid, exit code) on any thread.</summary>
    public virtual int Start(DaemonSpec spec, Action<int, int> exited)
    {
        var info = new ProcessStartInfo(File.Exists(Setsid) ? Setsid : "/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // its stdin is an empty pipe, not the master's terminal
            WorkingDirectory = spec.Chdir ?? Directory.GetCurrentDirectory(),
        };
        if (info.FileName == Setsid) info.ArgumentList.Add("/bin/sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(spec.Command);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Information("{Line:l}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Information("{Line:l}", e.Data); };
        // Released only once Start below is done with it: a daemon that exits at once can be
        // reported before the starting thread has read its pid (as LoggedChild).
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => started.Task.ContinueWith(pid =>
        {
            int code = process.ExitCode;
            process.Dispose();
            exited(pid.Result, code);
        }, TaskScheduler.Default);
        var fds = inheritedFds().ToList();
        foreach (int fd in fds) Libc.SetCloseOnExec(fd, true);
        try { process.Start(); }
        finally { foreach (int fd in fds) Libc.SetCloseOnExec(fd, false); }
        int pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started.SetResult(pid);
        return pid;
    }

    /// <summary>Signals the daemon's process group (falls back to the pid when it has no group of its own). 0 or -errno.</summary>
    public virtual int Signal(int pid, int signal)
    {
        int r = Libc.Kill(-pid, signal);
        return r == -Errno.ESRCH ? Libc.Kill(pid, signal) : r;
    }

    /// <summary>Whether a pid (from a pidfile) names a running process.</summary>
    public virtual bool IsAlive(int pid) => pid > 0 && Libc.Kill(pid, 0) is 0 or -Errno.EPERM;
}
