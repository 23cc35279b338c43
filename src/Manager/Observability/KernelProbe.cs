// Overview
// What the kernel tells about our sockets and processes, read from /proc (the OS boundary of
// observability, so tests can substitute fixed answers):
// - listen queue: a LISTEN socket's rx_queue column in /proc/net/tcp and /proc/net/tcp6 is the
//   number of connections waiting in its accept backlog. The socket is found by inode when the
//   master knows it, else by local port. Unix sockets expose no queue length there: 0.
// - memory: /proc/PID/statm gives vsz and rss in pages.

using System.Globalization;
using DotnetWsgi.Config.Options;

namespace DotnetWsgi.Manager.Observability;

public class KernelProbe
{
    private const string ListenState = "0A";
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Connections waiting in the listener's accept queue; null when the kernel does not say.</summary>
    public virtual long? ListenQueue(ListenerView listener)
    {
        if (listener.Family != SocketFamily.Tcp) return null;
        int port = PortOf(listener.Name);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
                if (ParseListenLine(line, listener.Inode, port) is { } queue) return queue;
        }
        return null;
    }

    /// <summary>(rss, vsz) in bytes, or null when the process is gone.</summary>
    public virtual (long Rss, long Vsz)? Memory(int pid)
    {
        if (pid <= 0) return null;
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return (long.Parse(fields[1], CultureInfo.InvariantCulture) * PageSize, long.Parse(fields[0], CultureInfo.InvariantCulture) * PageSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>rx_queue of a /proc/net/tcp line when it is the LISTEN socket wanted (by inode, else by port).</summary>
    internal static long? ParseListenLine(string line, ulong? inode, int port)
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

    private static int PortOf(string name)
    {
        int colon = name.LastIndexOf(':');
        return colon >= 0 && int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
    }
}
