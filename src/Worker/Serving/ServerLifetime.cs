// The worker's stop state, shared by its serving threads: a graceful stop is requested once and
// wakes every thread waiting for a connection through an eventfd (the shared listening sockets are
// never shut down: every worker of the instance accepts on them).

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Serving;

public sealed class ServerLifetime : IDisposable
{
    private int _stopRequested;
    private int _disposed;

    public ServerLifetime() => WakeFd = Libc.EventFd();

    /// <summary>Readable once a stop was requested (level-triggered: every poller sees it).</summary>
    public int WakeFd { get; }
    public bool StopRequested => Volatile.Read(ref _stopRequested) != 0;

    /// <summary>Requests a graceful stop; returns false if one was already requested.</summary>
    public bool RequestStop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0) return false;
        Libc.EventFdSignal(WakeFd);
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Libc.Close(WakeFd);
    }
}
