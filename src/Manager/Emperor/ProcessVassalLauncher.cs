// Starts a vassal as `dotnetwsgi --ini FILE` (this same executable, Environment.ProcessPath, or
// `dotnet dotnetwsgi.dll` when run through the dotnet host). The vassal master's stdout and stderr
// are piped and each line written through the Emperor's logger, so every vassal's log reaches the
// Emperor's log (stderr or its logto file) whole-line, never interleaved mid-line.

using System.Diagnostics;
using DotnetWsgi.Manager.Master;
using DotnetWsgi.Native.Interop;
using Serilog;

namespace DotnetWsgi.Manager.Emperor;

public sealed class ProcessVassalLauncher(ILogger log) : IVassalLauncher
{
    public int Start(IReadOnlyList<string> arguments, string workingDirectory, Action<int, int> exited)
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable's path");
        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet") info.ArgumentList.Add(ProcessWorkerLauncher.EntryAssemblyPath());
        foreach (string arg in arguments) info.ArgumentList.Add(arg);
        info.Environment[VassalContract.EmperorPidVar] = Environment.ProcessId.ToString();
        return LoggedChild.Start(info, log, exited);
    }

    public int Signal(int pid, int signal) => Libc.Kill(pid, signal);
}
