// Overview
// The PEP 3333 gateway: one Handle per request on the serving thread. With the GIL: build the
// environ (WsgiGateway.Environ.cs), call the app with the native start_response, iterate the
// result writing each bytes chunk (the GIL is dropped only if the socket is full: see
// WsgiCallbacks.WriteChunk) with a ChunkHint saying what follows, and always call the result's close().
// Without the GIL: complete the response, or on an app error log the traceback and answer 500 if
// the head is not on the wire yet (after it, the serving layer closes the connection). The worker
// lives on. Serving-layer I/O failures are rethrown to the caller once Python is done.

using System.Runtime.ExceptionServices;
using DotnetWsgi.Config.Options;
using DotnetWsgi.Worker.Hosting;
using DotnetWsgi.Worker.Python.CPython;

namespace DotnetWsgi.Worker.Python;

internal sealed unsafe partial class WsgiGateway
{
    /// <summary>A deferred last chunk up to this size is dropped at the thread's next request; a larger one right after it is sent.</summary>
    private const int DeferredKeepBytes = 64 * 1024;

    private readonly List<WsgiApp> _apps;
    private readonly Serilog.ILogger _log;

    public WsgiGateway(PythonRuntime runtime, List<WsgiApp> apps, ServerOptions options, Serilog.ILogger log)
    {
        _apps = apps;
        _log = log;
        _manageScriptName = options.ManageScriptName;
        _multithread = options.Threads > 1;
        _inputClass = runtime.ShimAttr("Input").Release();
        _baseEnviron = BuildBaseEnviron(runtime, options);
        (_kPathInfo, _kScriptName, _kUwsgiScheme, _kForwardedProto, _kHttps, _kForwardedSsl) =
            (_keys.Get("PATH_INFO"), _keys.Get("SCRIPT_NAME"), _keys.Get("UWSGI_SCHEME"),
             _keys.Get("HTTP_X_FORWARDED_PROTO"), _keys.Get("HTTPS"), _keys.Get("HTTP_X_FORWARDED_SSL"));
        foreach (var name in KeyCache.CommonNames) _keys.Get(name);
        _kInput = _keys.Get("wsgi.input");
        _kUrlScheme = _keys.Get("wsgi.url_scheme");
        _kCore = _keys.Get("uwsgi.core");
        _http = PyText.Interned("http").Release();
        _https = PyText.Interned("https").Release();
    }

    public IReadOnlyList<WsgiApp> Apps => _apps;

    public void Handle(RequestContext ctx)
    {
        var ts = ThreadStates.Current;
        var st = RequestState.ForThread;
        st.Begin(ctx, ts);
        PythonException? error;
        try
        {
            using (Gil.Acquire(ts))
            {
                st.DropDeferred(); // the previous request's last chunk, sent since
                error = Run(st, ctx);
            }
            // The last chunk (a bytes result, or a list's last item) goes out now, without the GIL:
            // the other serving threads run Python meanwhile instead of waiting out a send (and, for
            // a body larger than the socket buffer, a hand-off of the GIL at every wait).
            try { ctx.Response.FlushDeferred(); }
            catch (IOException e) { st.IoFailure ??= ExceptionDispatchInfo.Capture(e); }
            // A small chunk is dropped at this thread's next request, when it holds the GIL anyway;
            // a large one at once, so an idle thread never pins a big body.
            if (!st.Deferred.IsNull && st.DeferredLength > DeferredKeepBytes)
                using (Gil.Acquire(ts)) st.DropDeferred();
        }
        finally
        {
            st.End();
        }
        st.IoFailure?.Throw();
        if (error is not null)
            Fail(ctx, error);
        else
            ctx.Response.Complete();
    }

    /// <summary>Calls the app and streams its result (GIL held). Returns the app's error, if any.</summary>
    private PythonException? Run(RequestState st, RequestContext ctx)
    {
        try
        {
            using var environ = BuildEnviron(st, ctx, out var app);
            PyObj* args = stackalloc PyObj[2] { environ, NativeFunctions.StartResponse };
            using var result = Py.PyObject_Vectorcall(app.Callable, args, 2, PyObj.Null);
            if (result.IsNull) return PythonException.Fetch();
            var error = Iterate(st, result);
            var closeError = Close(result);
            return error ?? closeError;
        }
        catch (PythonException e)
        {
            return e;
        }
    }

    private static PythonException? Iterate(RequestState st, PyObj result)
    {
        // uWSGI writes a bare bytes result as one chunk (iterating it would yield ints).
        if (Py.PyBytes_Check(result))
            return Chunk(st, result, ChunkHint.Last) ?? (st.Started ? null : AppError("RuntimeError", "the application returned without calling start_response()"));
        bool isList = Py.PyList_Check(result);
        if (isList || Py.PyTuple_Check(result))
        {
            // Fast path: no iterator object. The size is re-read because a blocked write releases the GIL.
            // A sized sequence tells the response which chunk is the last (it can add Content-Length).
            for (nint i = 0; i < (isList ? Py.PyList_Size(result) : Py.PyTuple_Size(result)); i++)
            {
                PyObj item = isList ? Py.PyList_GetItem(result, i) : Py.PyTuple_GetItem(result, i);
                if (item.IsNull) return PythonException.Fetch();
                nint size = isList ? Py.PyList_Size(result) : Py.PyTuple_Size(result);
                if (Chunk(st, item, i == size - 1 ? ChunkHint.Last : ChunkHint.MoreFollows) is { } e) return e;
                if (st.IoFailure is not null) return null;
            }
        }
        else
        {
            if (SendFileBody(st, result, out var sendFileError)) return sendFileError;
            using var it = Py.PyObject_GetIter(result);
            if (it.IsNull) return PythonException.Fetch();
            while (true)
            {
                using var item = Py.PyIter_Next(it);
                if (item.IsNull)
                {
                    if (!Py.PyErr_Occurred().IsNull) return PythonException.Fetch();
                    break;
                }
                // A generator's next item may take any time: this one goes out now (streaming).
                if (Chunk(st, item, ChunkHint.Flush) is { } e) return e;
                if (st.IoFailure is not null) return null;
            }
        }
        return st.Started ? null : AppError("RuntimeError", "the application returned without calling start_response()");
    }

    /// <summary>
    /// wsgi.file_wrapper over a regular file: the whole body goes out with sendfile (as uWSGI does),
    /// the kernel copying from the page cache, with the GIL left only around a wait on a full socket.
    /// False when the result is something else (or the response cannot): then it is iterated.
    /// </summary>
    private static bool SendFileBody(RequestState st, PyObj result, out PythonException? error)
    {
        error = null;
        PyRef method;
        fixed (byte* name = "_dotnetwsgi_sendfile_range"u8)
            method = Py.PyObject_GetAttrString(result, name);
        if (method.IsNull)
        {
            Py.PyErr_Clear();
            return false;
        }
        using var range = Py.PyObject_CallNoArgs(method);
        method.Dispose();
        if (range.IsNull) { error = PythonException.Fetch(); return true; }
        if (!Py.PyTuple_Check(range) || !st.Started || st.IoFailure is not null) return false;
        long fd = Py.PyLong_AsLongLong(Py.PyTuple_GetItem(range, 0));
        long offset = Py.PyLong_AsLongLong(Py.PyTuple_GetItem(range, 1));
        long count = Py.PyLong_AsLongLong(Py.PyTuple_GetItem(range, 2));
        if (!Py.PyErr_Occurred().IsNull) { error = PythonException.Fetch(); return true; }
        var ctx = st.Ctx!;
        ctx.Blocking = st;
        try
        {
            if (!ctx.Response.SendFile((int)fd, offset, count)) return false;
            ctx.Chunks++;
            return true;
        }
        catch (Exception e)
        {
            st.IoFailure = ExceptionDispatchInfo.Capture(e);
            return true;
        }
        finally
        {
            ctx.Blocking = null;
        }
    }

    private static PythonException? Chunk(RequestState st, PyObj item, ChunkHint hint)
    {
        if (!Py.PyBytes_Check(item))
            return AppError("TypeError", $"the application returned a {WsgiCallbacks.TypeName(item)} chunk; WSGI body chunks must be bytes");
        if (!st.Started)
            return AppError("AssertionError", "the application returned body data before calling start_response()");
        WsgiCallbacks.WriteChunk(st, item, hint);
        return null;
    }

    /// <summary>PEP 3333: the server calls close() on the iterable whatever happened.</summary>
    private static PythonException? Close(PyObj result)
    {
        if (Py.PyList_Check(result) || Py.PyTuple_Check(result)) return null;
        PyRef close;
        fixed (byte* name = "close"u8) // u8 literals are NUL-terminated
            close = Py.PyObject_GetAttrString(result, name);
        if (close.IsNull)
        {
            Py.PyErr_Clear();
            return null;
        }
        using var r = Py.PyObject_CallNoArgs(close);
        close.Dispose();
        return r.IsNull ? PythonException.Fetch() : null;
    }

    private static PythonException AppError(string type, string message)
        => new(type, message, $"{type}: {message}");

    private void Fail(RequestContext ctx, PythonException error)
    {
        ctx.AppFailed = true;
        _log.Error("{Method:l} {Uri:l}: the application raised {PythonError:l}\n{Traceback:l}",
            ctx.Vars.GetString("REQUEST_METHOD") ?? "-", ctx.Vars.GetString("REQUEST_URI") ?? ctx.Vars.GetString("PATH_INFO") ?? "-",
            error.Message, error.Traceback.TrimEnd());
        if (!ctx.Response.HeadSent)
            ctx.Response.SendError(500, "Internal Server Error");
    }
}
