// Overview
// `daemonize = LOGFILE`. .NET cannot fork, so the launcher re-runs this executable with the same
// arguments and an environment marker, and waits until the daemon is up (its pidfile holds its pid,
// or, without a pidfile, it is still running after a moment); then the launcher exits 0. The
// daemon calls setsid() to leave the terminal's session, reads /dev/null as stdin and writes its
// output to LOGFILE (which is also its log, so log-maxsize rotation applies to it).

using System.Diagnostics;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Master;

public static class Daemonizer
{
    public const string MarkerVar = "DOTNETWSGI_DAEMON";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    public static bool IsDaemon => Environment.GetEnvironmentVariable(MarkerVar) == "1";

    /// <summary>Starts the daemon and waits for it to be up. Returns the launcher's exit code.</summary>
    public static int Launch(ServerOptions options, TextWriter error)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable's path");
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") args.Insert(0, ProcessWorkerLauncher.EntryAssemblyPath());
        // The shell gives the daemon /dev/null and the log file as fds 0-2 from its first instruction:
        // the runtime duplicates the standard fds at start-up, so a later dup2 alone would leave
        // copies of the launcher's terminal or pipes open in the daemon for its whole life.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$@\" </dev/null >>\"$DOTNETWSGI_DAEMON_LOG\" 2>&1", exe }.Concat(args))
            info.ArgumentList.Add(a);
        info.Environment["DOTNETWSGI_DAEMON_LOG"] = Path.GetFullPath(options.Daemonize!);
        info.Environment[MarkerVar] = "1";
        using var daemon = Process.Start(info)!;
        var deadline = DateTime.UtcNow + StartDeadline;
        while (DateTime.UtcNow < deadline)
        {
            if (daemon.WaitForExit(200))
            {
                error.WriteLine($"dotnetwsgi: the daemon exited with code {daemon.ExitCode}; see {options.Daemonize}");
                return daemon.ExitCode == 0 ? 1 : daemon.ExitCode;
            }
            if (options.Pidfile is null ? DateTime.UtcNow > deadline - StartDeadline + TimeSpan.FromSeconds(1) : PidfileHolds(options.Pidfile, daemon.Id))
                return 0;
        }
        error.WriteLine($"dotnetwsgi: the daemon (pid {daemon.Id}) did not write {options.Pidfile} within {StartDeadline.TotalSeconds} s; see {options.Daemonize}");
        return 1;
    }

    private static bool PidfileHolds(string path, int pid)
    {
        try { return File.ReadAllText(path).Trim() == pid.ToString(); }
        catch (IOException) { return false; }
    }

    /// <summary>In the daemon: new session; stdin from /dev/null and stdout/stderr to the log file (again,
    /// in case it was started without the launcher).</summary>
    public static void Detach(string logfile)
    {
        Libc.SetSid();
        using (var devnull = File.Open("/dev/null", FileMode.Open, FileAccess.Read))
            Libc.Dup2((int)devnull.SafeFileHandle.DangerousGetHandle(), 0);
        using var log = new FileStream(logfile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        int fd = (int)log.SafeFileHandle.DangerousGetHandle();
        Libc.Dup2(fd, 1);
        Libc.Dup2(fd, 2);
    }
}
