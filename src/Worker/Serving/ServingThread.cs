// Overview
// One serving thread (uWSGI's "core"): waits for work, serves one connection for as long as its
// client keeps sending requests, and goes back to waiting. Work is a new connection on the shared
// listening sockets or a parked keep-alive connection whose client spoke again (KeepAlivePool); a
// connection with nothing to read between requests is parked, never waited on, and so is one whose
// client paused in the middle of a request head (with the bytes it sent, ServeOneRequest), so a
// thread waits on a client only for the body of the request it serves, or for the client to read
// the response (bounded by socket-timeout). Accept rule: a thread accepts only when it is free, and
// serves the connection it accepted (waiting briefly for its first request), so a worker never
// takes a connection that none of its threads can start: it stays in the kernel's queue for another
// worker's idle thread. Waiting uses a per-thread epoll over the listening fds (EPOLLEXCLUSIVE: one
// idle thread is woken per connection, not all of them), the keep-alive pool and the worker's stop
// eventfd, so a graceful stop wakes idle threads without touching the listening sockets, which
// every worker shares. accept4 is non-blocking: EAGAIN means another thread or worker took the
// connection.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe partial class ServingThread
{
    private const ulong WakeTag = ulong.MaxValue;
    private const ulong ParkedTag = ulong.MaxValue - 1;
    /// <summary>
    /// How long the accepting thread waits for a new connection's first request. TCP listeners defer
    /// accept until data arrives (WorkerServer), so this only matters for unix sockets and for clients
    /// silent past the deferral: long enough for a client that writes right after connect on a loaded
    /// machine, short enough that a silent connection costs its thread little before it is parked.
    /// </summary>
    private const int FirstRequestGraceMs = 500;

    private readonly WorkerServer _server;
    private readonly int _core;
    private readonly Connection _conn;
    private readonly Response _response;
    private readonly RequestBodyReader _body;
    private readonly RequestContext _ctx;
    private readonly RequestLogFormatter _logFormatter;
    private readonly RequestLogEntry _logEntry = new();
    private readonly CoreSlot _coreSlot;
    private readonly byte[] _peer = new byte[128]; // sockaddr_storage filled in by accept4
    private int _epoll = -1;
    /// <summary>The current request head's total deadline when it was resumed from the pool (0: none).</summary>
    private long _headDeadline;
    private readonly long _headTimeoutMs;

    public ServingThread(WorkerServer server, int core)
    {
        _server = server;
        _core = core;
        var o = server.Options;
        _conn = new Connection(Math.Max(o.BufferSize, 4096) + 16 * 1024) { TimeoutMs = Math.Max(1, o.SocketTimeout) * 1000 };
        _response = new Response(_conn, server.Lifetime);
        _body = new RequestBodyReader(_conn, _response);
        _ctx = new RequestContext { Vars = new RequestVars(), CoreId = core, Body = _body, Response = _response };
        _response.Context = _ctx;
        _logFormatter = new RequestLogFormatter(o);
        _coreSlot = server.Slot.Core(core);
        _headTimeoutMs = o.RequestHeadTimeout > 0 ? o.RequestHeadTimeout * 1000L : long.MaxValue / 2;
    }

    /// <summary>Creates the epoll set; called on the thread before it reports ready.</summary>
    public void Prepare()
    {
        _epoll = Libc.EpollCreate();
        for (int i = 0; i < _server.Listeners.Count; i++)
            Libc.EpollAdd(_epoll, _server.Listeners[i].Fd, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE, (ulong)i);
        Libc.EpollAdd(_epoll, _server.Lifetime.WakeFd, Libc.EPOLLIN, WakeTag);
        Libc.EpollAdd(_epoll, _server.KeepAlive.EpollFd, Libc.EPOLLIN, ParkedTag); // EXCLUSIVE is not allowed on an epoll fd
    }

    /// <summary>Serves connections until a graceful stop is requested.</summary>
    public void Run()
    {
        try
        {
            while (!_server.Lifetime.StopRequested)
                WaitAndServe();
            LastCall();
        }
        finally
        {
            if (_epoll >= 0) Libc.Close(_epoll);
            _epoll = -1;
        }
    }

    /// <summary>
    /// Retiring (graceful stop, reload, recycle): new connections are left to the other workers, but
    /// the parked keep-alive clients were not told to go away, and one may be sending its next
    /// request right now. Until the stop grace ends, any parked client that speaks is served (its
    /// answer says Connection: close); then the idle rest are closed right after a pass that found
    /// none of them speaking (other threads may still be finishing their requests).
    /// Waits on the pool's own epoll fd, not on this thread's set: that set holds the shared
    /// listening sockets, and a wake-up for a connection this worker will not accept would be taken
    /// from an idle thread of another worker (EPOLLEXCLUSIVE wakes one waiter).
    /// </summary>
    private void LastCall()
    {
        var pool = _server.KeepAlive;
        while (true)
        {
            while (ServeParkedClient()) { }
            long left = _server.StopGraceDeadline - Environment.TickCount64;
            if (pool.Count == 0 || left <= 0) break;
            var pfd = new Libc.PollFd { Fd = pool.EpollFd, Events = Libc.POLLIN };
            Libc.Poll(&pfd, 1, (int)Math.Min(left, 1000));
        }
        pool.CloseAll(); // right after a pass that found no parked client speaking
    }

    private void WaitAndServe()
    {
        // This thread just parked its client because a parked client had spoken: take that one
        // straight from the pool (one epoll_wait on the pool instead of two, this thread's set and
        // then the pool). Its own client, re-armed after the other spoke, queues behind it.
        if (_takeParkedNext)
        {
            _takeParkedNext = false;
            _server.KeepAlive.CloseExpired();
            if (ServeParkedClient()) return;
        }
        // Counted idle until it has taken what woke it (or found nothing): a thread waiting on its
        // keep-alive client leaves that work to this one meanwhile (LeaveToIdleThread).
        Interlocked.Increment(ref _server.IdleThreads);
        bool idle = true;
        try
        {
            int r = Libc.EpollWaitOne(_epoll, 1000, out ulong tag);
            _server.KeepAlive.CloseExpired();
            if (r <= 0 || tag == WakeTag) return; // timeout, EINTR, or the stop flag is re-checked by Run
            if (tag == ParkedTag)
            {
                Busy(ref idle); // taken or not, this thread has looked at what woke it
                ServeParkedClient();
                return;
            }
            var listener = _server.Listeners[(int)tag];
            uint len = (uint)_peer.Length;
            int fd;
            fixed (byte* a = _peer)
                fd = Libc.Accept4(listener.Fd, a, ref len, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                Busy(ref idle);
                ServeConnection(fd, listener, (int)Math.Min(len, (uint)_peer.Length), resumed: false);
                return;
            }
            if (fd != -Errno.EAGAIN && fd != -Libc.ECONNABORTED)
            {
                _server.Log.AcceptFailed(listener.ToString(), -fd);
                Thread.Sleep(10); // e.g. EMFILE: do not spin while the condition lasts
            }
        }
        finally
        {
            Busy(ref idle);
        }
    }

    /// <summary>Serves one parked connection whose client has spoken; false when none is ready.</summary>
    private bool ServeParkedClient()
    {
        if (!_server.KeepAlive.TryTake(_peer, out int fd, out var listener, out int addrLength, out var head)) return false;
        ServeConnection(fd, listener, addrLength, resumed: true, head);
        return true;
    }

    private void Busy(ref bool idle)
    {
        if (!idle) return;
        idle = false;
        Interlocked.Decrement(ref _server.IdleThreads);
    }

    /// <summary>
    /// Serves requests on a connection while its client keeps them coming; parks it whenever it is
    /// idle between requests (and a new connection whose client stays silent past the first-request
    /// grace), so only a client that is mid-request holds the thread. resumed: the connection comes
    /// back from the keep-alive pool, with head: the part of a request head it was parked with.
    /// A client that pauses in the middle of a head is parked with what it sent (ServeOneRequest).
    /// </summary>
    private void ServeConnection(int fd, Listener listener, int addrLength, bool resumed, KeepAlivePool.PartialHead head = default)
    {
        _conn.Open(fd, listener, _peer.AsSpan(0, addrLength), setNoDelay: !resumed && !listener.NoDelayInherited);
        if (head.Bytes is not null)
        {
            _conn.Restore(head.Span);
            _headDeadline = head.Deadline;
            head.Return();
        }
        bool linger = false;
        _idleExpired = false;
        int served = 0; // a connection just accepted or taken from the pool gets one request before yielding
        try
        {
            while (true)
            {
                if (_conn.Buffered == 0 && !NextRequestComing(served, resumed))
                {
                    if (_conn.IsClosedByPeer || _server.Lifetime.StopRequested || _idleExpired) break;
                    _server.KeepAlive.Park(_conn.Detach(), listener, _peer.AsSpan(0, addrLength), registered: resumed);
                    return;
                }
                var outcome = ServeOneRequest();
                if (outcome == RequestOutcome.HeadPending)
                {
                    ParkPartialHead(listener, addrLength, registered: resumed);
                    return;
                }
                served++;
                if (outcome != RequestOutcome.KeepAlive)
                {
                    linger = outcome == RequestOutcome.CloseWithUnreadInput;
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            _server.Log.ServingFailed(ex, _core);
        }
        finally
        {
            _conn.Close(linger);
        }
    }

    /// <summary>Parks the connection with the part of a head received so far (the thread is free again).</summary>
    private void ParkPartialHead(Listener listener, int addrLength, bool registered)
    {
        long silence = Environment.TickCount64 + _conn.TimeoutMs;
        _server.KeepAlive.ParkPartial(_conn.Fd, listener, _peer.AsSpan(0, addrLength), registered, _conn.Pending, _headDeadline, silence);
        _headDeadline = 0;
        _conn.Detach(); // no I/O on it from here: another thread may already have taken it
    }

    /// <summary>
    /// Whether to serve another request on this connection now (false: park it, or close it when
    /// the peer left or the worker stops). Retiring: a client told keep-alive before the stop may
    /// have its next request on the way, so it gets a last call until the stop grace ends and is
    /// answered with Connection: close, instead of a close that would reset that request.
    /// </summary>
    private bool NextRequestComing(int served, bool resumed)
    {
        if (served > 0 && _server.Lifetime.StopRequested)
            return _conn.ReceiveMore(_server.StopGraceDeadline) == ReceiveStatus.Data;
        if (served > 0) return NextRequestOrOthers();
        return NextRequestHere(fresh: !resumed);
    }

    /// <summary>
    /// Between two requests of a keep-alive client: waits for that client's next request for as
    /// long as nobody else needs this thread (up to the keep-alive idle timeout, after which the
    /// connection is closed as the pool would close it: _idleExpired), in one poll over the
    /// connection, this thread's own epoll set and the keep-alive pool. The thread wakes straight on
    /// its client's socket (one wake-up and one recv per request, as a thread blocked on it would), yet a
    /// new connection, a parked client that spoke or a stop wakes it at once, and then the client
    /// is parked (false) and joins the queue instead of being served again at once (fairness: without
    /// it, under load each thread kept serving the client whose next request was always there by the
    /// time it looked, while the other thread held the GIL, and the rest starved: p99 of tens of ms,
    /// max > 1 s with 16 clients on 4 threads). When both are ready, the others win. A thread in this
    /// poll is not in epoll_wait, so an exclusive wake-up for a new connection goes to a thread of
    /// any worker that is (the kernel only counts epoll_wait sleepers), and this one races it.
    /// </summary>
    private bool NextRequestOrOthers()
    {
        long deadline = Environment.TickCount64 + _server.KeepAlive.IdleTimeoutMs;
        var fds = stackalloc Libc.PollFd[3];
        while (true)
        {
            // The pool is in this thread's set too, and also polled by itself: its readiness says a
            // parked client spoke, without a second poll to tell it from a new connection.
            fds[0] = new Libc.PollFd { Fd = _conn.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = _epoll, Events = Libc.POLLIN };
            fds[2] = new Libc.PollFd { Fd = _server.KeepAlive.EpollFd, Events = Libc.POLLIN };
            long left = deadline - Environment.TickCount64;
            int r = Libc.Poll(fds, 3, (int)Math.Clamp(left, 0, SweepEveryMs));
            if (r < 0 && r != -Errno.EINTR) return false;
            if (r == 0) _server.KeepAlive.CloseExpired(); // as the idle loop does: late heads and idle parked connections are closed on time
            bool ours = fds[0].Revents != 0;
            bool parkedSpoke = fds[2].Revents != 0;
            if (fds[1].Revents == 0 && !parkedSpoke) _leftSince = 0;
            else if (_server.Lifetime.StopRequested)
                return _conn.ReceiveMore(_server.StopGraceDeadline) == ReceiveStatus.Data;
            else if (!LeaveToIdleThread(ours, parkedSpoke))
            {
                _takeParkedNext = parkedSpoke;
                return false;
            }
            else if (!ours) ours = Libc.Poll(fds, 1, LeaveToIdleMs) > 0; // then all are looked at again
            if (ours) return _conn.ReceiveMore(Environment.TickCount64) == ReceiveStatus.Data;
            if (Environment.TickCount64 >= deadline) { _idleExpired = true; return false; }
        }
    }

    /// <summary>
    /// Whether work waiting in this thread's set (a new connection on a shared listener, a parked
    /// client that spoke) is better left to a thread that is idle, while this thread keeps its own
    /// client. Without this, a thread waiting on its keep-alive client raced the idle thread the
    /// kernel woke for that work, and mostly won (it is awake; the idle one is still being
    /// scheduled): it parked its client and took the newcomer, and from then on served two clients
    /// in turn, finding the other one's request ready each time it finished one, while its sibling
    /// slept. With four keep-alive clients on 2 workers × 2 threads, one thread served two clients
    /// and another none (perf sched); the busy thread never slept, the scheduler preempted it in the
    /// middle of requests, and p99 went from ~0.5 to ~3 ms.
    /// Rules: while this worker has an idle thread, any such work is left to it (it waits on the
    /// listeners and on the pool, and one idle thread is woken for each: at least one waiter of an
    /// EPOLLEXCLUSIVE listener is woken, and every waiter of the pool). Without one, when this
    /// thread's client has its next request ready too, the others go first (fairness, as before);
    /// otherwise a parked client that spoke is taken at once, and a new connection is left for up to
    /// LeaveToIdleMs while this thread waits on its own client (an idle thread of another worker may
    /// be woken for it), then taken: with every thread of the instance busy, a new client waits that
    /// much longer at most.
    /// </summary>
    private bool LeaveToIdleThread(bool oursReady, bool parkedSpoke)
    {
        if (Volatile.Read(ref _server.IdleThreads) > 0) return true;
        if (oursReady) return false; // both ready and nobody idle here: the others first (fairness)
        if (parkedSpoke) return false; // a parked client spoke: taken at once
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_leftSince == 0) _leftSince = now;
        if (now - _leftSince < LeaveToIdleMs * System.Diagnostics.Stopwatch.Frequency / 1000) return true;
        _leftSince = 0;
        return false;
    }

    /// <summary>Set when this thread parked its client for a parked client that spoke: WaitAndServe takes from the pool first.</summary>
    private bool _takeParkedNext;

    /// <summary>When this thread first left a new connection to an idle thread (Stopwatch ticks; 0: not leaving one).</summary>
    private long _leftSince;

    /// <summary>How long a thread waiting on its keep-alive client leaves a new connection to an idle thread of another worker.</summary>
    private const int LeaveToIdleMs = 1;

    /// <summary>
    /// The longest a waiting thread goes without sweeping the keep-alive pool: with every thread of a
    /// worker waiting on its own client, nobody else would close the parked connections whose idle
    /// time or head deadline (request-head-timeout, socket-timeout of silence) has passed.
    /// </summary>
    private const int SweepEveryMs = 1000;

    /// <summary>Set when a keep-alive client stayed silent for the whole idle timeout: close, do not park.</summary>
    private bool _idleExpired;

    /// <summary>
    /// Whether the next request's first bytes are here. Between requests: one non-waiting read (a
    /// client that pipelines or answers fast is served without parking). fresh: the connection was
    /// just accepted, and the thread that accepted it is committed to it: it waits up to
    /// FirstRequestGraceMs for the request the client is sending right after connecting, instead of
    /// parking the connection where, once it spoke, it would wait for a free thread of this worker
    /// while another worker's thread sits idle (the accept rule: take a connection only when a
    /// thread is free to start it). Only a client silent past the grace is parked as idle.
    /// </summary>
    private bool NextRequestHere(bool fresh)
        => _conn.ReceiveMore(Environment.TickCount64 + (fresh ? FirstRequestGraceMs : 0)) == ReceiveStatus.Data;
}
