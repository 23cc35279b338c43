// Overview
// Starts a child process whose stdout and stderr lines go into a log, and reports its exit once
// (pid, exit code) after its last lines are logged and the Process object is released. Workers and Emperor vassals both start this way.

using System.Diagnostics;
using Serilog;

namespace DotnetWsgi.Manager.Master;

internal static class LoggedChild
{
    /// <summary>How long an exit waits for the child's pipes to end (see Start).</summary>
    internal static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(1);

    /// <summary>Starts info (output redirected into output) and returns the child's pid.</summary>
    public static int Start(ProcessStartInfo info, ILogger output, Action<int, int> exited)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        // A null line is the end of that pipe.
        var outputEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => { if (e.Data is null) outputEnded.TrySetResult(); else output.Information("{Line:l}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) errorEnded.TrySetResult(); else output.Information("{Line:l}", e.Data); };
        // The pid as Start read it: a child that exits at once can be reported, and its Process
        // disposed, before the starting thread gets to read process.Id (seen once in a test of 200
        // short children: "No process is associated with this object").
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) =>
        {
            // The exit is reported from SIGCHLD, which can come before the readers have taken the
            // child's last lines from its pipes: a vassal's "goodbye to uWSGI" was sometimes missing
            // from the Emperor's log when the Emperor stopped right after it. So the exit is passed on
            // once both pipes have ended, or after DrainLimit: a grandchild that inherited them (a
            // daemon, a process the app started) may keep them open, and must not hold back a
            // respawn. A continuation, not a blocking wait: the readers need thread-pool threads too.
            Task.WhenAll(outputEnded.Task, errorEnded.Task).WaitAsync(DrainLimit)
                .ContinueWith(_ => started.Task, TaskScheduler.Default).Unwrap()
                .ContinueWith(pid =>
                {
                    int code = process.ExitCode;
                    process.Dispose();
                    exited(pid.Result, code);
                }, TaskScheduler.Default);
        };
        process.Start();
        int pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        started.SetResult(pid);
        return pid;
    }
}
