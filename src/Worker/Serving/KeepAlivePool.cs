// Overview
// Idle keep-alive connections of a worker, parked without a thread. After a response, a serving
// thread whose client has not sent its next request yet parks the connection here and goes back to
// waiting; whichever thread is free takes it when the client speaks again. So a worker with T
// threads serves any number of keep-alive clients, and an idle client never holds a thread while
// others queue (the classic failure of thread-per-connection keep-alive).
//
// Mechanics: one epoll set, each parked fd registered EPOLLIN | EPOLLONESHOT (exactly one thread
// gets it), tagged with a generation so a stale event for a reused fd number is ignored. The table
// of parked connections (fd -> record) is the owner: whoever removes a record under the lock owns
// that fd (a taker, the idle sweep, or the final CloseAll). Idle connections are closed after
// IdleTimeout.

using DotnetWsgi.Native.Interop;

namespace DotnetWsgi.Worker.Serving;

public sealed class KeepAlivePool : IDisposable
{
    private sealed class Parked
    {
        public int Fd;
        public uint Generation;
        public Listener Listener = null!;
        public readonly byte[] SockAddr = new byte[128];
        public int SockAddrLength;
        public long Deadline;
    }

    private readonly object _lock = new();
    private readonly Dictionary<int, Parked> _parked = [];
    private readonly Stack<Parked> _free = new();
    private readonly int _epoll = Libc.EpollCreate();
    private uint _generation;
    private long _nextSweep;
    private int _disposed;

    public KeepAlivePool(TimeSpan idleTimeout) => IdleTimeoutMs = (long)idleTimeout.TotalMilliseconds;

    public long IdleTimeoutMs { get; }
    /// <summary>Readable while some parked connection has data (or hung up).</summary>
    public int EpollFd => _epoll;

    public int Count
    {
        get { lock (_lock) return _parked.Count; }
    }

    /// <summary>
    /// Parks an idle connection. registered: the fd is already in the set (it was taken from here
    /// before), so it is re-armed instead of added.
    /// </summary>
    public void Park(int fd, Listener listener, ReadOnlySpan<byte> sockAddr, bool registered)
    {
        uint generation;
        lock (_lock)
        {
            var p = _free.Count > 0 ? _free.Pop() : new Parked();
            p.Fd = fd;
            p.Generation = generation = ++_generation;
            p.Listener = listener;
            p.SockAddrLength = Math.Min(sockAddr.Length, p.SockAddr.Length);
            sockAddr[..p.SockAddrLength].CopyTo(p.SockAddr);
            p.Deadline = Environment.TickCount64 + IdleTimeoutMs;
            _parked[fd] = p; // before arming: a thread woken by the event must find the record
        }
        ulong tag = ((ulong)generation << 32) | (uint)fd;
        int r = registered ? Libc.EpollMod(_epoll, fd, Libc.EPOLLIN | Libc.EPOLLONESHOT, tag) : -Errno.ENOENT;
        if (r == -Errno.ENOENT) r = Libc.EpollAddOrErrno(_epoll, fd, Libc.EPOLLIN | Libc.EPOLLONESHOT, tag);
        if (r != 0 && TryRemove(fd, generation)) Libc.Close(fd); // cannot watch it: drop the idle connection
    }

    /// <summary>Takes one parked connection whose client has spoken; false when none is ready.</summary>
    public bool TryTake(byte[] sockAddr, out int fd, out Listener listener, out int sockAddrLength)
    {
        fd = -1;
        listener = null!;
        sockAddrLength = 0;
        if (Libc.EpollWaitOne(_epoll, 0, out ulong tag) <= 0) return false;
        lock (_lock)
        {
            int candidate = (int)(uint)tag;
            if (!_parked.TryGetValue(candidate, out var p) || p.Generation != (uint)(tag >> 32)) return false;
            _parked.Remove(candidate);
            fd = p.Fd;
            listener = p.Listener;
            sockAddrLength = p.SockAddrLength;
            p.SockAddr.AsSpan(0, sockAddrLength).CopyTo(sockAddr);
            _free.Push(p);
            return true;
        }
    }

    /// <summary>Closes connections idle past their deadline (at most once a second across threads).</summary>
    public void CloseExpired()
    {
        long now = Environment.TickCount64;
        long next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 1000, next) != next) return;
        lock (_lock)
        {
            foreach (var p in _parked.Values)
                if (p.Deadline <= now) Libc.Close(p.Fd);
            foreach (var fd in _parked.Where(kv => kv.Value.Deadline <= now).Select(kv => kv.Key).ToList())
                _free.Push(Remove(fd));
        }
    }

    /// <summary>Closes every parked connection (graceful stop: none of them has a request in flight).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var p in _parked.Values) Libc.Close(p.Fd);
            foreach (var p in _parked.Values) _free.Push(p);
            _parked.Clear();
        }
    }

    private bool TryRemove(int fd, uint generation)
    {
        lock (_lock)
        {
            if (!_parked.TryGetValue(fd, out var p) || p.Generation != generation) return false;
            _free.Push(Remove(fd));
            return true;
        }
    }

    private Parked Remove(int fd)
    {
        var p = _parked[fd];
        _parked.Remove(fd);
        return p;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        CloseAll();
        Libc.Close(_epoll);
    }
}
