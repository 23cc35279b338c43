// Overview
// The serving half of a worker: `threads` ServingThreads over the inherited listening sockets, the
// shared stop state, per-worker request counting and the recycle decision after each request.
// Start() returns once every thread is ready to accept (the caller then publishes readiness in the
// scoreboard); RequestStop() is the one graceful path used by signals and recycling alike: threads
// stop accepting, finish the request they are serving (answered with Connection: close) and end.

using DotnetWsgi.Config.Options;
using DotnetWsgi.Native;
using DotnetWsgi.Native.Interop;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Logging;
using Serilog;

namespace DotnetWsgi.Worker.Serving;

public sealed class WorkerServer : IDisposable
{
    private readonly List<Thread> _threads = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RecyclePolicy _recycle;
    private long _requests;
    private Exception? _startError;
    private int _running;
    private int _disposed;

    public WorkerServer(ServerOptions options, IReadOnlyList<Listener> listeners, IApplicationHost host, ILogger log,
        Scoreboard scoreboard, int workerId, TimeProvider? time = null, RecyclePolicy? recycle = null)
    {
        if (listeners.Count == 0) throw new ArgumentException("no listening sockets to serve");
        Options = options;
        Listeners = listeners;
        Host = host;
        Log = log;
        Scoreboard = scoreboard;
        WorkerId = workerId;
        Slot = scoreboard.Slot(workerId);
        if (options.Threads > Slot.Cores)
            throw new ArgumentException($"threads = {options.Threads} but the scoreboard has {Slot.Cores} cores per worker");
        Time = time ?? TimeProvider.System;
        _recycle = recycle ?? new RecyclePolicy(options, Time, ReadMemory, Random.Shared);
        ServerName = System.Text.Encoding.ASCII.GetBytes(System.Net.Dns.GetHostName());
        HeadTimeouts = new HeadTimeouts(log, Slot, options.RequestHeadTimeout, Math.Max(1, options.SocketTimeout));
        KeepAlive.HeadExpired = (fd, listener, total) => HeadTimeouts.Expire(fd, listener, total, close: true);
    }

    public ServerOptions Options { get; }
    public IReadOnlyList<Listener> Listeners { get; }
    public IApplicationHost Host { get; }
    public ILogger Log { get; }
    public Scoreboard Scoreboard { get; }
    public WorkerSlot Slot { get; }
    public int WorkerId { get; }
    public int Pid { get; } = Environment.ProcessId;
    public TimeProvider Time { get; }
    public ServerLifetime Lifetime { get; } = new();

    /// <summary>
    /// Serving threads of this worker in their idle wait (counted from just before epoll_wait until
    /// they have taken the one event it returned): a thread waiting on its own keep-alive client
    /// leaves new work to them (ServingThread.LeaveToIdleThread).
    /// </summary>
    public int IdleThreads;
    /// <summary>Idle keep-alive connections waiting for their next request without a thread.</summary>
    public KeepAlivePool KeepAlive { get; } = new(KeepAliveIdleTimeout);

    /// <summary>How long an idle keep-alive connection is kept (parked, it costs an fd and no thread).</summary>
    public static readonly TimeSpan KeepAliveIdleTimeout = TimeSpan.FromSeconds(30);
    public byte[] ServerName { get; }
    /// <summary>Connections closed because their request head did not arrive in time (counted, logged).</summary>
    public HeadTimeouts HeadTimeouts { get; }

    /// <summary>
    /// Retiring, how long idle keep-alive connections stay open for a request their client may be
    /// sending as the stop happens (it is answered with Connection: close); then they are closed.
    /// </summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(1);
    private long _stopGraceDeadline;
    /// <summary>When the stop grace ends (Environment.TickCount64), once a stop was requested.</summary>
    public long StopGraceDeadline => Interlocked.Read(ref _stopGraceDeadline);
    /// <summary>Completes when every serving thread has ended.</summary>
    public Task Stopped => _stopped.Task;
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Starts the serving threads and returns once all of them are ready to accept.</summary>
    public void Start()
    {
        foreach (var l in Listeners)
        {
            Libc.SetNonBlocking(l.Fd);    // every worker polls before accept4: EAGAIN means another won
            Libc.SetCloseOnExec(l.Fd, true); // the app's subprocesses must not inherit the shared sockets
            if (!l.IsUnix) DeferAccept(l);
            if (!l.IsUnix) l.NoDelayInherited = Libc.SetSockOptInt(l.Fd, Libc.IPPROTO_TCP, Libc.TCP_NODELAY, 1) == 0;
        }
        int count = Math.Max(1, Options.Threads);
        using var ready = new CountdownEvent(count);
        _running = count;
        for (int core = 0; core < count; core++)
        {
            int id = core;
            _threads.Add(new Thread(() => ThreadMain(id, ready)) { IsBackground = true, Name = $"core {id}" });
        }
        foreach (var t in _threads) t.Start();
        ready.Wait();
        if (_startError is { } error)
        {
            RequestStop();
            throw new InvalidOperationException($"a serving thread failed to start: {error.Message}", error);
        }
    }

    private const int TCP_DEFER_ACCEPT = 9; // linux/tcp.h

    /// <summary>
    /// TCP_DEFER_ACCEPT (seconds = socket-timeout, as uWSGI sets it): the kernel hands a connection
    /// to accept only once its client has sent data (or after the deferral), so a thread that
    /// accepts finds the request already readable and serves it at once, and a connection that is
    /// not speaking yet stays in the kernel's queue for whichever thread of any worker is free when
    /// it does. Set on the shared socket by every worker (idempotent); failure only costs that.
    /// </summary>
    private void DeferAccept(Listener l)
    {
        int r = Libc.SetSockOptInt(l.Fd, Libc.IPPROTO_TCP, TCP_DEFER_ACCEPT, Math.Max(1, Options.SocketTimeout));
        if (r != 0) Log.Debug("TCP_DEFER_ACCEPT on {Listener} failed (errno {Errno})", l.ToString(), -r);
    }

    private void ThreadMain(int core, CountdownEvent ready)
    {
        bool signalled = false;
        bool attached = false;
        try
        {
            var serving = new ServingThread(this, core);
            Host.AttachThread();
            attached = true;
            serving.Prepare();
            ready.Signal();
            signalled = true;
            serving.Run();
        }
        catch (Exception ex)
        {
            if (!signalled) Interlocked.CompareExchange(ref _startError, ex, null);
            else Log.ServingFailed(ex, core);
        }
        finally
        {
            if (!signalled) ready.Signal();
            if (attached) Host.DetachThread();
            if (Interlocked.Decrement(ref _running) == 0)
            {
                KeepAlive.CloseAll(); // idle clients of a stopped worker: nothing in flight, close them
                _stopped.TrySetResult();
            }
        }
    }

    /// <summary>Graceful stop: stop accepting, finish in-flight requests. Returns false if already stopping.</summary>
    public bool RequestStop()
    {
        Interlocked.CompareExchange(ref _stopGraceDeadline, Environment.TickCount64 + (long)StopGrace.TotalMilliseconds, 0);
        if (!Lifetime.RequestStop()) return false;
        var slot = Slot; // a view over shared memory: setting through a copy writes the slot
        slot.State = WorkerSlotState.Stopping;
        return true;
    }

    internal long CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>
    /// With a master (the normal case), a recycle is replace-before-retire: the worker only asks for it
    /// (RecycleDueMs in its slot) and keeps serving; the master starts its replacement and stops this
    /// worker gracefully once the replacement accepts, so recycles never leave fewer workers accepting.
    /// Without a master the worker retires itself.
    /// </summary>
    public bool MasterReplacesOnRecycle { get; set; }

    /// <summary>Called by a serving thread after each request: asks for (or does) a recycle when the policy says so.</summary>
    internal void AfterRequest(long workerRequests)
    {
        if (!_recycle.Enabled || Lifetime.StopRequested || Volatile.Read(ref _recycleAsked) != 0) return;
        if (_recycle.Check(workerRequests) is not { } reason) return;
        if (MasterReplacesOnRecycle)
        {
            if (Interlocked.Exchange(ref _recycleAsked, 1) != 0) return;
            var slot = Slot; // a view over shared memory: setting through a copy writes the slot
            slot.RecycleDueMs = Time.GetUtcNow().ToUnixTimeMilliseconds();
            Log.Information("worker recycle: {Reason:l}; serving until the master's replacement accepts", reason);
        }
        else if (RequestStop()) Log.Recycling(reason, Pid);
    }

    private int _recycleAsked;

    private static (long, long)? ReadMemory()
        => ProcFs.Default.SelfMemory() is { } m ? (m.Vsz, m.Rss) : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        RequestStop();
        foreach (var t in _threads)
            if (t.IsAlive) t.Join(TimeSpan.FromSeconds(Math.Max(5, Options.SocketTimeout * 3)));
        KeepAlive.Dispose();
        Lifetime.Dispose();
    }
}
