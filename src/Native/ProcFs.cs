// Overview
// The one reader of /proc: what the kernel tells about processes and sockets. Every part of the
// program that needs a /proc fact (the master's memory checks, the stats server and /metrics, the
// worker's memory-report and reload-on-rss/as, the start-up backlog warning) asks this class, so
// the parsing lives once and tests substitute fixed answers by overriding its virtual methods.
// - memory: /proc/PID/statm gives the virtual size and the resident set, in pages;
// - listen queue: a LISTEN socket's rx_queue column in /proc/net/tcp and /proc/net/tcp6 is the
//   number of connections waiting in its accept backlog (found by inode, else by local port);
// - somaxconn: /proc/sys/net/core/somaxconn caps every listen backlog.

using System.Globalization;

namespace DotnetWsgi.Native;

public class ProcFs
{
    private const string ListenState = "0A";
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>The real /proc.</summary>
    public static ProcFs Default { get; } = new();

    /// <summary>(rss, vsz) of a process in bytes, or null when it is gone or /proc cannot be read.</summary>
    public virtual (long Rss, long Vsz)? Memory(int pid) => pid > 0 ? ReadStatm($"/proc/{pid}/statm") : null;

    /// <summary>(rss, vsz) of this process in bytes, or null when /proc cannot be read.</summary>
    public virtual (long Rss, long Vsz)? SelfMemory() => ReadStatm("/proc/self/statm");

    /// <summary>Connections waiting in a TCP listener's accept queue; null when the kernel does not say.</summary>
    public virtual long? TcpListenQueue(ulong? inode, int port)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            try
            {
                if (!File.Exists(table)) continue;
                foreach (var line in File.ReadLines(table).Skip(1))
                    if (ParseListenLine(line, inode, port) is { } queue) return queue;
            }
            catch (IOException) { }
        }
        return null;
    }

    /// <summary>net.core.somaxconn, or null when it cannot be read.</summary>
    public virtual int? SoMaxConn()
    {
        try { return int.TryParse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), out int max) ? max : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static (long Rss, long Vsz)? ReadStatm(string path)
    {
        try
        {
            var f = File.ReadAllText(path).Split(' ');
            return (long.Parse(f[1], CultureInfo.InvariantCulture) * PageSize, long.Parse(f[0], CultureInfo.InvariantCulture) * PageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>rx_queue of a /proc/net/tcp line when it is the LISTEN socket wanted (by inode, else by port).</summary>
    public static long? ParseListenLine(string line, ulong? inode, int port)
    {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 10 || f[3] != ListenState) return null;
        bool match = inode is { } wanted
            ? ulong.TryParse(f[9], CultureInfo.InvariantCulture, out var ino) && ino == wanted
            : port > 0 && int.TryParse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var p) && p == port;
        if (!match) return null;
        var rx = f[4][(f[4].IndexOf(':') + 1)..];
        return long.TryParse(rx, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var q) ? q : null;
    }
}
