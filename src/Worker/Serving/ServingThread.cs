// Overview
// One serving thread (uWSGI's "core"): waits for a connection on the shared listening sockets,
// serves it to the end (one request on uwsgi sockets, keep-alive requests on HTTP sockets) with
// blocking-style I/O on its own thread, and goes back to waiting. Waiting uses a per-thread epoll
// over the listening fds (EPOLLEXCLUSIVE: one idle thread is woken per connection, not all of them)
// plus the worker's stop eventfd, so a graceful stop wakes idle threads without touching the
// listening sockets, which every worker shares. accept4 is non-blocking: EAGAIN means another
// thread or worker took the connection.

using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;

namespace DotnetWsgi.Worker.Serving;

public sealed unsafe partial class ServingThread
{
    private const ulong WakeTag = ulong.MaxValue;

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

    public ServingThread(WorkerServer server, int core)
    {
        _server = server;
        _core = core;
        var o = server.Options;
        _conn = new Connection(Math.Max(o.BufferSize, 4096) + 16 * 1024) { TimeoutMs = Math.Max(1, o.SocketTimeout) * 1000 };
        _response = new Response(_conn, server.Lifetime);
        _body = new RequestBodyReader(_conn, _response);
        _ctx = new RequestContext { Vars = new RequestVars(), CoreId = core, Body = _body, Response = _response };
        _logFormatter = new RequestLogFormatter(o);
        _coreSlot = server.Slot.Core(core);
    }

    /// <summary>Creates the epoll set; called on the thread before it reports ready.</summary>
    public void Prepare()
    {
        _epoll = Libc.EpollCreate();
        for (int i = 0; i < _server.Listeners.Count; i++)
            Libc.EpollAdd(_epoll, _server.Listeners[i].Fd, Libc.EPOLLIN | Libc.EPOLLEXCLUSIVE, (ulong)i);
        Libc.EpollAdd(_epoll, _server.Lifetime.WakeFd, Libc.EPOLLIN, WakeTag);
    }

    /// <summary>Serves connections until a graceful stop is requested.</summary>
    public void Run()
    {
        try
        {
            while (TryAccept(out int fd, out var listener, out int addrLength))
                ServeConnection(fd, listener, addrLength);
        }
        finally
        {
            if (_epoll >= 0) Libc.Close(_epoll);
            _epoll = -1;
        }
    }

    private bool TryAccept(out int fd, out Listener listener, out int addrLength)
    {
        addrLength = 0;
        while (!_server.Lifetime.StopRequested)
        {
            int r = Libc.EpollWaitOne(_epoll, -1, out ulong tag);
            if (r <= 0 || tag == WakeTag) continue; // EINTR, or the stop flag is re-checked
            listener = _server.Listeners[(int)tag];
            uint len = (uint)_peer.Length;
            fixed (byte* a = _peer)
                fd = Libc.Accept4(listener.Fd, a, ref len, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            addrLength = (int)Math.Min(len, (uint)_peer.Length);
            if (fd >= 0) return true;
            if (fd != -Errno.EAGAIN && fd != -Libc.ECONNABORTED)
            {
                _server.Log.AcceptFailed(listener.ToString(), -fd);
                Thread.Sleep(10); // e.g. EMFILE: do not spin while the condition lasts
            }
        }
        fd = -1;
        listener = null!;
        return false;
    }

    private void ServeConnection(int fd, Listener listener, int addrLength)
    {
        _conn.Open(fd, listener, _peer.AsSpan(0, addrLength));
        bool linger = false;
        try
        {
            bool first = true;
            while (first || AwaitNextRequest())
            {
                first = false;
                var outcome = ServeOneRequest();
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
}

