// Reads a process's resident set size from /proc/PID/status (VmRSS), for stats and the limit-as cap.

namespace DotnetWsgi.Manager.Master;

public static class ProcStatus
{
    /// <summary>VmRSS in bytes, or 0 when the process is gone or the line is missing.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts.Length >= 2 && long.TryParse(parts[1], out var kb) ? kb * 1024 : 0;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
