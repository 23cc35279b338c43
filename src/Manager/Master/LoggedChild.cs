// Overview
// Starts a child process whose stdout and stderr lines go into a log, and reports its exit once
// (pid, exit code) after releasing the Process object. Workers and Emperor vassals both start this way.

using System.Diagnostics;
using Serilog;

namespace DotnetWsgi.Manager.Master;

internal static class LoggedChild
{
    /// <summary>Starts info (output redirected into output) and returns the child's pid.</summary>
    public static int Start(ProcessStartInfo info, ILogger output, Action<int, int> exited)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line:l}", e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Information("{Line:l}", e.Data); };
        process.Exited += (_, _) =>
        {
            int pid = process.Id, code = process.ExitCode;
            process.Dispose();
            exited(pid, code);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process.Id;
    }
}
