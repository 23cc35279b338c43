// Observability's view of the kernel: listen queues of the master's listeners, and memory of its
// workers. It reads nothing itself: every /proc fact comes from ProcFs (the one /proc reader), so
// tests substitute fixed answers by giving a ProcFs subclass.

using System.Globalization;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;

namespace DotnetWsgi.Manager.Observability;

public sealed class KernelProbe(ProcFs? proc = null)
{
    private readonly ProcFs _proc = proc ?? ProcFs.Default;

    /// <summary>Connections waiting in the listener's accept queue; null when the kernel does not say (unix sockets).</summary>
    public long? ListenQueue(ListenerView listener)
        => listener.Family == SocketFamily.Tcp ? _proc.TcpListenQueue(listener.Inode, PortOf(listener.Name)) : null;

    /// <summary>(rss, vsz) in bytes, or null when the process is gone.</summary>
    public (long Rss, long Vsz)? Memory(int pid) => _proc.Memory(pid);

    private static int PortOf(string name)
    {
        int colon = name.LastIndexOf(':');
        return colon >= 0 && int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
    }
}
