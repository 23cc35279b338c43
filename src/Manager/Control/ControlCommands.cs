// `--reload PIDFILE` (SIGHUP: graceful reload) and `--stop PIDFILE` (SIGTERM: graceful stop; see
// SIGTERM stops gracefully). Unlike uWSGI, a missing, empty, non-numeric or stale pidfile
// is a one-line error and a non-zero exit; a bad pid never becomes kill(0, ...).

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Manager.Control;

public static class ControlCommands
{
    public const int ExitFailed = 1;

    /// <summary>Graceful reload of the instance whose master pid is in pidfile. Returns the exit code.</summary>
    public static int Reload(string pidfile, TextWriter error) => SignalMaster(pidfile, Signals.SIGHUP, "reload", error);

    /// <summary>Graceful stop of the instance whose master pid is in pidfile. Returns the exit code.</summary>
    public static int Stop(string pidfile, TextWriter error) => SignalMaster(pidfile, Signals.SIGTERM, "stop", error);

    private static int SignalMaster(string pidfile, int signal, string verb, TextWriter error)
    {
        if (ReadPid(pidfile, out string? problem) is not int pid)
        {
            error.WriteLine($"dotnetwsgi --{verb}: {problem}");
            return ExitFailed;
        }
        int result = Libc.Kill(pid, signal);
        if (result == 0) return 0;
        int errno = -result;
        error.WriteLine(errno switch
        {
            Errno.ESRCH => $"dotnetwsgi --{verb}: pidfile {pidfile} is stale: no process {pid} is running",
            Errno.EPERM => $"dotnetwsgi --{verb}: not allowed to signal process {pid} (from pidfile {pidfile})",
            _ => $"dotnetwsgi --{verb}: cannot signal process {pid} (from pidfile {pidfile}): {new NativeException("kill", errno).Message}",
        });
        return ExitFailed;
    }

    /// <summary>The pid in the file, or null with the reason.</summary>
    internal static int? ReadPid(string pidfile, out string? problem)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidfile);
        }
        catch (FileNotFoundException) { problem = $"pidfile {pidfile} does not exist"; return null; }
        catch (DirectoryNotFoundException) { problem = $"pidfile {pidfile} does not exist"; return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read pidfile {pidfile}: {e.Message}";
            return null;
        }
        string trimmed = text.Trim();
        if (trimmed.Length == 0) { problem = $"pidfile {pidfile} is empty"; return null; }
        if (!int.TryParse(trimmed, System.Globalization.NumberStyles.None, null, out int pid) || pid <= 1)
        {
            string shown = trimmed.Length > 20 ? trimmed[..20] + "..." : trimmed;
            problem = $"pidfile {pidfile} does not hold a process id (found \"{shown}\")";
            return null;
        }
        problem = null;
        return pid;
    }
}
