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
//
// Partial heads: a connection whose client has sent part of a request head and paused is parked
// here too, with the bytes received so far (a copy from the shared ArrayPool; the thread's own
// buffer is needed for its next connection) and its head deadlines, so a slow client costs an fd
// and a few bytes, never a thread (slowloris). The taker gets the bytes back and resumes parsing;
// the sweep hands a partial head past its deadline to HeadExpired (answer 408, close, count).

using System.Buffers;
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
        /// <summary>The partial request head (null for an idle connection) and its total deadline.</summary>
        public byte[]? Head;
        public int HeadLength;
        public long HeadDeadline;
    }

    /// <summary>Bytes of a request head received before its connection was parked; Bytes is null for an idle connection.</summary>
    public readonly record struct PartialHead(byte[]? Bytes, int Length, long Deadline)
    {
        public ReadOnlySpan<byte> Span => Bytes is null ? default : Bytes.AsSpan(0, Length);
        /// <summary>Gives the copy back to the pool it was rented from (the taker calls it once it copied the bytes).</summary>
        public void Return()
        {
            if (Bytes is not null) ArrayPool<byte>.Shared.Return(Bytes);
        }
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
    /// <summary>
    /// Called by the sweep, outside the lock, for a parked partial head past its deadline; it owns the
    /// fd and must close it. totalDeadline: the head deadline passed (otherwise the client was silent
    /// past the silence deadline). Without a handler the fd is just closed.
    /// </summary>
    public Action<int, Listener, bool>? HeadExpired { get; set; }
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
        => Park(fd, listener, sockAddr, registered, default, 0, Environment.TickCount64 + IdleTimeoutMs);

    /// <summary>
    /// Parks a connection in the middle of its request head: head is copied, and the connection is
    /// closed (HeadExpired) at headDeadline, or at silenceDeadline if the client sends nothing more
    /// before it (both Environment.TickCount64; the sweep runs about once a second).
    /// </summary>
    public void ParkPartial(int fd, Listener listener, ReadOnlySpan<byte> sockAddr, bool registered,
        ReadOnlySpan<byte> head, long headDeadline, long silenceDeadline)
        => Park(fd, listener, sockAddr, registered, head, headDeadline, Math.Min(headDeadline, silenceDeadline));

    private void Park(int fd, Listener listener, ReadOnlySpan<byte> sockAddr, bool registered,
        ReadOnlySpan<byte> head, long headDeadline, long deadline)
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
            p.Deadline = deadline;
            p.HeadDeadline = headDeadline;
            p.HeadLength = head.Length;
            p.Head = head.IsEmpty ? null : ArrayPool<byte>.Shared.Rent(head.Length);
            if (p.Head is not null) head.CopyTo(p.Head);
            _parked[fd] = p; // before arming: a thread woken by the event must find the record
        }
        ulong tag = ((ulong)generation << 32) | (uint)fd;
        int r = registered ? Libc.EpollMod(_epoll, fd, Libc.EPOLLIN | Libc.EPOLLONESHOT, tag) : -Errno.ENOENT;
        if (r == -Errno.ENOENT) r = Libc.EpollAddOrErrno(_epoll, fd, Libc.EPOLLIN | Libc.EPOLLONESHOT, tag);
        if (r != 0 && TryRemove(fd, generation)) Libc.Close(fd); // cannot watch it: drop the connection
    }

    /// <summary>Takes one parked connection whose client has spoken; false when none is ready.</summary>
    public bool TryTake(byte[] sockAddr, out int fd, out Listener listener, out int sockAddrLength)
    {
        if (!TryTake(sockAddr, out fd, out listener, out sockAddrLength, out var head)) return false;
        head.Return();
        return true;
    }

    /// <summary>
    /// Takes one parked connection whose client has spoken, with the partial head it was parked with
    /// (the caller copies it and calls Return); false when none is ready.
    /// </summary>
    public bool TryTake(byte[] sockAddr, out int fd, out Listener listener, out int sockAddrLength, out PartialHead head)
    {
        head = default;
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
            head = new PartialHead(p.Head, p.HeadLength, p.HeadDeadline);
            p.Head = null;
            _free.Push(p);
            return true;
        }
    }

    /// <summary>
    /// Closes connections idle past their deadline, and hands partial heads past theirs to
    /// HeadExpired (at most once a second across threads).
    /// </summary>
    public void CloseExpired()
    {
        long now = Environment.TickCount64;
        long next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 1000, next) != next) return;
        List<(int Fd, Listener Listener, bool Total)>? heads = null;
        lock (_lock)
        {
            foreach (var fd in _parked.Where(kv => kv.Value.Deadline <= now).Select(kv => kv.Key).ToList())
            {
                var p = Remove(fd);
                if (p.Head is null) Libc.Close(fd);
                else (heads ??= []).Add((fd, p.Listener, p.HeadDeadline <= now));
                Release(p);
            }
        }
        if (heads is null) return;
        foreach (var (fd, listener, total) in heads)
        {
            if (HeadExpired is { } expired) expired(fd, listener, total);
            else Libc.Close(fd);
        }
    }

    /// <summary>Returns a record to the free list, giving its partial head copy back.</summary>
    private void Release(Parked p)
    {
        if (p.Head is not null) ArrayPool<byte>.Shared.Return(p.Head);
        p.Head = null;
        _free.Push(p);
    }

    /// <summary>Closes every parked connection (graceful stop: none of them has a request in flight).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            foreach (var p in _parked.Values) Libc.Close(p.Fd);
            foreach (var p in _parked.Values) Release(p);
            _parked.Clear();
        }
    }

    private bool TryRemove(int fd, uint generation)
    {
        lock (_lock)
        {
            if (!_parked.TryGetValue(fd, out var p) || p.Generation != generation) return false;
            Release(Remove(fd));
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
