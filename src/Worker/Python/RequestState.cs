// Overview
// What the C functions given to the app (start_response, write, wsgi.input's _read) need to know
// about the request running on their thread. CPython calls them on the thread that runs the app,
// so a [ThreadStatic] reaches the right request without a per-request Python object.

using System.Runtime.ExceptionServices;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed unsafe class RequestState : Hosting.IBlockingHook
{
    private PyThreadState _saved;

    /// <summary>The serving layer is about to wait on the socket: release the GIL (held by this thread).</summary>
    public void Leave() => _saved = Py.PyEval_SaveThread();

    public void Enter() => GilQueue.Take(_saved); // in turn with the other serving threads

    [ThreadStatic] private static RequestState? t_current;

    private static long _nextToken;

    /// <summary>The calling thread's state (created on first use; reused for every request).</summary>
    public static RequestState ForThread => t_current ??= new RequestState();

    /// <summary>The calling thread's state if it has one (never creates it).</summary>
    public static RequestState? IfCreated => t_current;

    /// <summary>The request running on this thread, or null between requests.</summary>
    public static RequestState? Active => t_current is { Ctx: not null } s ? s : null;

    public RequestContext? Ctx { get; private set; }
    /// <summary>Identifies this request to its wsgi.input object, so a stale one cannot read another body.</summary>
    public long Token { get; private set; }
    /// <summary>start_response has been called (the status and headers are set on the response).</summary>
    public bool Started { get; set; }
    /// <summary>A response write or body read failed in the serving layer: rethrown after the app returns.</summary>
    public ExceptionDispatchInfo? IoFailure { get; set; }
    /// <summary>
    /// The bytes object of a last chunk the response sends after the GIL is released (a reference
    /// owned here), dropped the next time this thread holds the GIL (DropDeferred).
    /// </summary>
    public PyObj Deferred;
    public nint DeferredLength;

    /// <summary>Drops the deferred chunk's reference (GIL held).</summary>
    public void DropDeferred()
    {
        if (Deferred.IsNull) return;
        Py.Py_DecRef(Deferred);
        Deferred = PyObj.Null;
    }

    /// <summary>This thread's PyThreadState, for releasing the GIL around blocking I/O.</summary>
    public PyThreadState Ts { get; private set; }

    /// <summary>Scratch for converting non-ASCII str to latin-1 (status, header names and values).</summary>
    public byte[] Latin1Scratch = new byte[256];
    public char[] CharScratch = new char[256];

    public void Begin(RequestContext ctx, PyThreadState ts)
    {
        Ctx = ctx;
        Ts = ts;
        Token = Interlocked.Increment(ref _nextToken);
        Started = false;
        IoFailure = null;
    }

    public void End() => Ctx = null;
}
